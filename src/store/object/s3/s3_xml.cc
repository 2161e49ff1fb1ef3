#include "store/object/s3/s3_xml.h"

#include <expat.h>

#include <charconv>
#include <cstring>
#include <ctime>
#include <memory>

#include "common/clock.h"

namespace xronox::store::s3 {

namespace {

// A parsed element: name, its own text, and its child elements in document order.
struct XmlElement {
  std::string name;
  std::string text;
  std::vector<XmlElement> children;

  const XmlElement* Child(std::string_view child_name) const {
    for (const XmlElement& child : children) {
      if (child.name == child_name) return &child;
    }
    return nullptr;
  }
  std::string ChildText(std::string_view child_name) const {
    const XmlElement* child = Child(child_name);
    return child != nullptr ? child->text : std::string();
  }
};

struct ParserDeleter {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

// Builds the tree while expat streams; `open` holds the path from the root to the current
// element (pointers stay valid: a parent's children only grow after its child has closed).
struct TreeBuilder {
  XML_Parser parser = nullptr;
  XmlElement root;  // A synthetic parent of the document element.
  std::vector<XmlElement*> open{&root};
  bool refused_doctype = false;
};

// S3 prefixes nothing, but some services qualify names ("s3:Key"); keep the local part.
std::string LocalName(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon != nullptr ? std::string(colon + 1) : std::string(name);
}

void OnStart(void* data, const XML_Char* name, const XML_Char** /*attributes*/) {
  auto* builder = static_cast<TreeBuilder*>(data);
  XmlElement* parent = builder->open.back();
  parent->children.push_back(XmlElement{LocalName(name), {}, {}});
  builder->open.push_back(&parent->children.back());
}

void OnEnd(void* data, const XML_Char* /*name*/) {
  static_cast<TreeBuilder*>(data)->open.pop_back();
}

void OnText(void* data, const XML_Char* text, int length) {
  static_cast<TreeBuilder*>(data)->open.back()->text.append(text, static_cast<size_t>(length));
}

void OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* builder = static_cast<TreeBuilder*>(data);
  builder->refused_doctype = true;
  XML_StopParser(builder->parser, XML_FALSE);
}

// Parse `xml` and return its document element, which must be named `root_name`.
Result<XmlElement> ParseDocument(std::string_view xml, std::string_view root_name) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreate("UTF-8"));
  if (!parser) return Status(StatusCode::kResourceExhausted, "XML_ParserCreate failed");
  TreeBuilder builder;
  builder.parser = parser.get();
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);
  if (xml.size() > (64u << 20)) return InvalidArgument("S3 XML response is over 64 MiB");
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) !=
          XML_STATUS_OK ||
      builder.refused_doctype) {
    std::string why =
        builder.refused_doctype ? "has a DOCTYPE" : XML_ErrorString(XML_GetErrorCode(parser.get()));
    return InvalidArgument("S3 XML response is malformed: " + why);
  }
  if (builder.root.children.size() != 1 || builder.root.children[0].name != root_name) {
    return InvalidArgument("S3 XML response is not a <" + std::string(root_name) + "> document");
  }
  return std::move(builder.root.children[0]);
}

Result<int64_t> ParseSize(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument("S3 XML response has a bad <Size> '" + text.substr(0, 32) + "'");
  }
  return value;
}

Result<TimestampMicros> ParseXmlTime(const std::string& text, std::string_view field) {
  std::optional<TimestampMicros> parsed = ParseRfc3339(text);
  if (!parsed) {
    return InvalidArgument("S3 XML response has a bad <" + std::string(field) + "> '" +
                           text.substr(0, 40) + "'");
  }
  return *parsed;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<S3ErrorBody> ParseS3Error(std::string_view xml) {
  XRONOX_ASSIGN_OR_RETURN(XmlElement root, ParseDocument(xml, "Error"));
  return S3ErrorBody{root.ChildText("Code"), root.ChildText("Message"),
                     root.ChildText("RequestId")};
}

Result<S3ObjectList> ParseListObjectsV2(std::string_view xml) {
  XRONOX_ASSIGN_OR_RETURN(XmlElement root, ParseDocument(xml, "ListBucketResult"));
  S3ObjectList list;
  list.truncated = root.ChildText("IsTruncated") == "true";
  for (const XmlElement& child : root.children) {
    if (child.name != "Contents") continue;
    ObjectInfo info;
    info.key = child.ChildText("Key");
    if (info.key.empty()) return InvalidArgument("S3 XML response has <Contents> without <Key>");
    XRONOX_ASSIGN_OR_RETURN(info.size, ParseSize(child.ChildText("Size")));
    XRONOX_ASSIGN_OR_RETURN(info.modified_at,
                            ParseXmlTime(child.ChildText("LastModified"), "LastModified"));
    list.objects.push_back(std::move(info));
  }
  return list;
}

Result<S3UploadList> ParseListMultipartUploads(std::string_view xml) {
  XRONOX_ASSIGN_OR_RETURN(XmlElement root, ParseDocument(xml, "ListMultipartUploadsResult"));
  S3UploadList list;
  list.truncated = root.ChildText("IsTruncated") == "true";
  list.next_key_marker = root.ChildText("NextKeyMarker");
  list.next_upload_id_marker = root.ChildText("NextUploadIdMarker");
  for (const XmlElement& child : root.children) {
    if (child.name != "Upload") continue;
    S3Upload upload{child.ChildText("Key"), child.ChildText("UploadId"), 0};
    if (upload.key.empty() || upload.upload_id.empty()) {
      return InvalidArgument("S3 XML response has <Upload> without <Key> or <UploadId>");
    }
    XRONOX_ASSIGN_OR_RETURN(upload.initiated,
                            ParseXmlTime(child.ChildText("Initiated"), "Initiated"));
    list.uploads.push_back(std::move(upload));
  }
  return list;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view xml) {
  XRONOX_ASSIGN_OR_RETURN(XmlElement root, ParseDocument(xml, "InitiateMultipartUploadResult"));
  std::string upload_id = root.ChildText("UploadId");
  if (upload_id.empty()) return InvalidArgument("S3 XML response has no <UploadId>");
  return upload_id;
}

Result<std::string> ParseCopyResultETag(std::string_view xml, std::string_view root_name) {
  XRONOX_ASSIGN_OR_RETURN(XmlElement root, ParseDocument(xml, root_name));
  std::string etag = root.ChildText("ETag");
  if (etag.empty()) return InvalidArgument("S3 XML response has no <ETag>");
  return etag;
}

std::string CompleteMultipartUploadXml(const std::vector<S3CompletedPart>& parts) {
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const S3CompletedPart& part : parts) {
    xml += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>" +
           XmlEscape(part.etag) + "</ETag></Part>";
  }
  return xml + "</CompleteMultipartUpload>";
}

std::optional<TimestampMicros> ParseHttpDate(std::string_view text) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Www, DD Mmm YYYY HH:MM:SS GMT": 29 bytes at fixed offsets.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto number = [&](size_t at, size_t width, int& out) {
    auto [end, error] = std::from_chars(text.data() + at, text.data() + at + width, out);
    return error == std::errc() && end == text.data() + at + width;
  };
  std::tm tm{};
  int month = -1;
  for (int m = 0; m < 12; ++m) {
    if (text.substr(8, 3) == kMonths[m]) month = m;
  }
  if (month < 0 || !number(5, 2, tm.tm_mday) || !number(12, 4, tm.tm_year) ||
      !number(17, 2, tm.tm_hour) || !number(20, 2, tm.tm_min) || !number(23, 2, tm.tm_sec) ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon = month;
  return static_cast<TimestampMicros>(timegm(&tm)) * 1'000'000;
}

}  // namespace xronox::store::s3
