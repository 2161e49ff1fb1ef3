#include "router/key_scopes.h"

#include <algorithm>
#include <optional>
#include <string>

#include "common/json_codec.h"
#include "common/names.h"
#include "store/object/object_key.h"
#include "xronox/types.h"

namespace xronox {

namespace {

constexpr char kRootFormat[] = "xronox.key-space/1";
constexpr char kOwnerFormat[] = "xronox.key-space-owner/1";
// A marker is a few hundred bytes; anything larger is not one of ours.
constexpr size_t kMaxMarkerBytes = size_t{64} << 10;

std::string JoinKey(const std::string& prefix, const std::string& rest) {
  return prefix.empty() ? rest : prefix + "/" + rest;
}

// "@xronox/roots/{prefix}/@root.json": '@' is outside the folder-prefix alphabet, so no
// prefix segment can be "@root.json" and two prefixes never share a root marker.
std::string RootMarkerKey(const std::string& prefix) {
  return JoinKey(std::string(kOwnerMarkerSegment) + "/roots", JoinKey(prefix, "@root.json"));
}

std::string OwnerMarkerKey(const KeySpaceUse& use) {
  return std::string(kOwnerMarkerSegment) + "/owners/" + use.owner + "/" +
         BucketKindName(use.kind) + ".json";
}

std::string Where(const KeySpaceUse& use) {
  return "bucket '" + use.bucket + "' (" + BucketKindName(use.kind) + " under folder prefix '" +
         use.prefix + "')";
}

// Reads a marker: nullopt when absent (or its bucket is); Corruption when it is not ours.
Result<std::optional<Json>> ReadMarker(store::ObjectStore& objects, const std::string& bucket,
                                       const std::string& key, const char* format) {
  Result<std::string> bytes = objects.Get(bucket, key);
  if (bytes.status().code() == StatusCode::kNotFound) return std::optional<Json>();
  if (!bytes.ok()) return bytes.status();
  auto bad = [&] { return Corruption("owner marker " + bucket + "/" + key + " is not valid"); };
  if (bytes->size() > kMaxMarkerBytes) return bad();
  Result<Json> parsed = ParseJsonObject(*bytes, "owner marker");
  if (!parsed.ok() || parsed->value("format", "") != format) return bad();
  return std::optional<Json>(std::move(parsed).value());
}

// Writes a marker unless one is there; returns the one that is stored afterwards.
Result<Json> RecordMarker(store::ObjectStore& objects, const std::string& bucket,
                          const std::string& key, const Json& marker, const char* format) {
  Status put = objects.Put(bucket, key, marker.dump(), store::PutMode::kCreateOnly);
  if (put.ok()) return marker;
  if (put.code() != StatusCode::kAlreadyExists) return put;
  XRONOX_ASSIGN_OR_RETURN(std::optional<Json> stored, ReadMarker(objects, bucket, key, format));
  if (!stored) return Unavailable("owner marker " + bucket + "/" + key + " vanished");
  return std::move(*stored);
}

bool IsScopeSegment(const std::string& segment) { return segment.starts_with('@'); }

// The segment right after `key_prefix` in `key`.
std::string SegmentAfter(const std::string& key, const std::string& key_prefix) {
  size_t start = key_prefix.empty() ? 0 : key_prefix.size() + 1;
  size_t end = key.find('/', start);
  return key.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// True when the last segment of `key_prefix` is an owner scope.
bool IsScoped(const std::string& key_prefix) {
  size_t slash = key_prefix.rfind('/');
  return IsScopeSegment(slash == std::string::npos ? key_prefix : key_prefix.substr(slash + 1));
}

// True when the key space holds an object outside every scope and the markers: one written
// before markers existed (every object written since is under a marked key space).
Result<bool> HasUnmarkedObjects(store::ObjectStore& objects, const KeySpaceUse& use) {
  XRONOX_ASSIGN_OR_RETURN(store::ListPage page,
                          ListOwnedObjects(objects, use.bucket, use.prefix, "", 100));
  while (page.objects.empty() && page.next) {
    XRONOX_ASSIGN_OR_RETURN(
        page, ListOwnedObjects(objects, use.bucket, use.prefix, *page.next, store::kMaxListLimit));
  }
  return !page.objects.empty();
}

// Decides (and with `record`, writes) the key space's first owner: the database itself when no
// other database shares the key space, else nobody (every owner scoped).
Result<Json> RootMarker(store::ObjectStore& objects, const KeySpaceUse& use, bool record) {
  const std::string key = RootMarkerKey(use.prefix);
  XRONOX_ASSIGN_OR_RETURN(std::optional<Json> stored,
                          ReadMarker(objects, use.bucket, key, kRootFormat));
  if (stored) return std::move(*stored);
  XRONOX_ASSIGN_OR_RETURN(bool unmarked, HasUnmarkedObjects(objects, use));
  if (unmarked && use.shared) {
    return FailedPrecondition(
        Where(use) +
        " holds objects written before owner markers, and the configuration now "
        "shares it with another database: which of them wrote those keys is not "
        "recorded. Start once with only the database that wrote them in that "
        "bucket (it then records itself as the first owner), then add the others");
  }
  Json root = {{"format", kRootFormat},
               {"prefix", use.prefix},
               {"firstOwner", use.shared ? Json(nullptr) : Json(use.owner)}};
  if (!record) return root;
  return RecordMarker(objects, use.bucket, key, root, kRootFormat);
}

}  // namespace

Result<ScopedPrefix> ResolveKeyScope(store::ObjectStore& objects, const KeySpaceUse& use,
                                     bool record) {
  const std::string owner_key = OwnerMarkerKey(use);
  XRONOX_ASSIGN_OR_RETURN(std::optional<Json> mine,
                          ReadMarker(objects, use.bucket, owner_key, kOwnerFormat));
  if (mine) {
    const std::string recorded = mine->value("prefix", "");
    if (recorded != use.prefix) {
      return FailedPrecondition(
          "bucket '" + use.bucket + "' holds the " + BucketKindName(use.kind) + " of " +
          use.owner.substr(1) + " under folder prefix '" + recorded +
          "', and the configuration now says '" + use.prefix +
          "': its keys would move. Put the folder prefix back, or copy the objects first");
    }
    return ScopedPrefix{mine->value("keyPrefix", ""), true};
  }
  XRONOX_ASSIGN_OR_RETURN(Json root, RootMarker(objects, use, record));
  const Json& first = root["firstOwner"];
  const bool is_first = first.is_string() && first.get<std::string>() == use.owner;
  ScopedPrefix scoped{is_first ? use.prefix : JoinKey(use.prefix, use.owner), false};
  if (!record) return scoped;
  Json marker = {{"format", kOwnerFormat},
                 {"owner", use.owner},
                 {"kind", BucketKindName(use.kind)},
                 {"prefix", use.prefix},
                 {"keyPrefix", scoped.key_prefix}};
  XRONOX_ASSIGN_OR_RETURN(Json stored,
                          RecordMarker(objects, use.bucket, owner_key, marker, kOwnerFormat));
  return ScopedPrefix{stored.value("keyPrefix", ""), true};
}

Result<store::ListPage> ListOwnedObjects(store::ObjectStore& objects, const std::string& bucket,
                                         const std::string& key_prefix,
                                         const std::string& continuation, int limit) {
  const std::string list_prefix = key_prefix.empty() ? "" : key_prefix + "/";
  XRONOX_ASSIGN_OR_RETURN(store::ListPage page,
                          objects.List(bucket, list_prefix, continuation, limit));
  if (IsScoped(key_prefix)) return page;
  store::ListPage owned;
  for (store::ObjectInfo& object : page.objects) {
    if (!IsScopeSegment(SegmentAfter(object.key, key_prefix))) {
      owned.objects.push_back(std::move(object));
    }
  }
  owned.next = page.next;
  return owned;
}

Result<std::vector<std::string>> ListCollectionFolders(store::ObjectStore& objects,
                                                       const std::string& bucket,
                                                       const std::string& key_prefix, int page) {
  const std::string list_prefix = key_prefix.empty() ? "" : key_prefix + "/";
  std::vector<std::string> names;
  std::string continuation;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(store::ListPage listed,
                            ListOwnedObjects(objects, bucket, key_prefix, continuation, page));
    for (const store::ObjectInfo& object : listed.objects) {
      std::string rest = object.key.substr(list_prefix.size());
      size_t slash = rest.find('/');
      if (slash == std::string::npos) continue;
      std::string name = rest.substr(0, slash);
      if (!ValidateCollectionName(name).ok() || (!names.empty() && names.back() == name)) continue;
      names.push_back(std::move(name));
    }
    if (!listed.next) return names;
    // Past the last collection's keys at once: '~' sorts after every key segment below it.
    continuation = *listed.next;
    if (!names.empty()) continuation = std::max(continuation, list_prefix + names.back() + "/~");
  }
}

}  // namespace xronox
