// HotStoreWrapper: a HotStore that forwards every call to another one, so that a decorator
// (metrics, tests' fault injection) overrides only what it changes.
// Thread-safety: as safe as the wrapped store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/hot/hot_store.h"

namespace xronox::store {

class HotStoreWrapper : public HotStore {
 public:
  /// Wrap and own `target`.
  explicit HotStoreWrapper(std::unique_ptr<HotStore> target) : target_(std::move(target)) {}

  /// The wrapped store.
  HotStore& target() const { return *target_; }

  bool ConditionalWritesAreAtomic() const override { return target_->ConditionalWritesAreAtomic(); }
  bool CountsCommitWithHead() const override { return target_->CountsCommitWithHead(); }
  Status EnsureCollection(const CollectionRef& ref,
                          const std::vector<std::string>& indexed_props) override {
    return target_->EnsureCollection(ref, indexed_props);
  }
  Result<bool> CollectionExists(const CollectionRef& ref) override {
    return target_->CollectionExists(ref);
  }
  Result<std::vector<std::string>> ListDatabases() override { return target_->ListDatabases(); }
  Result<std::vector<std::string>> ListCollections(const std::string& db) override {
    return target_->ListCollections(db);
  }
  Result<std::optional<HeadRow>> GetHead(const CollectionRef& ref, const std::string& id) override {
    return target_->GetHead(ref, id);
  }
  Status WriteHead(const CollectionRef& ref, const HeadRow& head,
                   std::optional<int64_t> expected_version) override {
    return target_->WriteHead(ref, head, expected_version);
  }
  Status CommitVersion(const CollectionRef& ref, const VersionRow& version, const HeadRow& head,
                       std::optional<int64_t> expected_version) override {
    return target_->CommitVersion(ref, version, head, expected_version);
  }
  Status DeleteHead(const CollectionRef& ref, const std::string& id,
                    int64_t expected_version) override {
    return target_->DeleteHead(ref, id, expected_version);
  }
  Result<std::vector<Status>> ShrinkHeads(const CollectionRef& ref,
                                          const std::vector<HeadRow>& heads) override {
    return target_->ShrinkHeads(ref, heads);
  }
  Status InsertVersion(const CollectionRef& ref, const VersionRow& version) override {
    return target_->InsertVersion(ref, version);
  }
  Result<std::optional<VersionRow>> GetVersion(const CollectionRef& ref, const std::string& id,
                                               int64_t version) override {
    return target_->GetVersion(ref, id, version);
  }
  Result<std::optional<VersionRow>> GetVersionAsOf(const CollectionRef& ref, const std::string& id,
                                                   TimestampMicros at) override {
    return target_->GetVersionAsOf(ref, id, at);
  }
  Result<std::vector<VersionRow>> ListVersions(const CollectionRef& ref, const std::string& id,
                                               std::optional<int64_t> start_after, int limit,
                                               Order order) override {
    return target_->ListVersions(ref, id, start_after, limit, order);
  }
  Result<std::vector<VersionRow>> ScanVersions(const CollectionRef& ref,
                                               const VersionFilter& filter,
                                               const std::optional<VersionPosition>& after,
                                               int limit) override {
    return target_->ScanVersions(ref, filter, after, limit);
  }
  Result<std::vector<Status>> CreateHeads(const CollectionRef& ref,
                                          const std::vector<HeadRow>& heads) override {
    return target_->CreateHeads(ref, heads);
  }
  Result<std::vector<HeadRow>> ScanHeads(const CollectionRef& ref, const IdRange& range, int limit,
                                         const std::vector<Condition>& conditions,
                                         bool include_deleted) override {
    return target_->ScanHeads(ref, range, limit, conditions, include_deleted);
  }
  Status InsertClaim(const CollectionRef& ref, const ClaimRow& claim) override {
    return target_->InsertClaim(ref, claim);
  }
  Result<std::optional<ClaimRow>> GetClaim(const CollectionRef& ref,
                                           const std::string& key) override {
    return target_->GetClaim(ref, key);
  }
  Status UpdateClaim(const CollectionRef& ref, const ClaimRow& claim) override {
    return target_->UpdateClaim(ref, claim);
  }
  Status DeleteClaim(const CollectionRef& ref, const std::string& key,
                     const std::string& owner) override {
    return target_->DeleteClaim(ref, key, owner);
  }
  Result<std::vector<ClaimRow>> ListClaims(const CollectionRef& ref,
                                           const std::string& prefix) override {
    return target_->ListClaims(ref, prefix);
  }
  Result<int64_t> IncrementCounter(const CollectionRef& ref, const std::string& name,
                                   int64_t delta) override {
    return target_->IncrementCounter(ref, name, delta);
  }
  Result<CollectionCounts> GetCounts(const CollectionRef& ref) override {
    return target_->GetCounts(ref);
  }
  Status AddCounts(const CollectionRef& ref, const CollectionCounts& delta) override {
    return target_->AddCounts(ref, delta);
  }
  Status SetCounts(const CollectionRef& ref, const CollectionCounts& counts) override {
    return target_->SetCounts(ref, counts);
  }

 private:
  std::unique_ptr<HotStore> target_;
};

}  // namespace xronox::store
