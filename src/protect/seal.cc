// Sealed envelopes, sensitive-passage markup and pseudonyms.
#include <algorithm>

#include "base/canonical_json.h"
#include "protect/protect.h"

namespace custodian::protect {
namespace {

constexpr std::string_view kOpen = "[sensitive]";
constexpr std::string_view kClose = "[/sensitive]";
constexpr std::string_view kPlaceholderStart = "[sealed passage ";
// Plaintexts are padded to a multiple of this, so that the length of a ciphertext says
// little about the length of a name.
constexpr size_t kPadBlock = 256;

std::string Placeholder(size_t n) {
  return std::string(kPlaceholderStart) + std::to_string(n) + "]";
}

std::string AssociatedData(model::Kind kind, const std::string& id, const std::string& owner) {
  std::string out = "custodian-sealed-v1\n";
  out += model::KindName(kind);
  out += '\n' + id + '\n' + owner;
  return out;
}

// ISO/IEC 7816-4 padding: 0x80, then zeros up to the block size.
void Pad(std::string& text) {
  text.push_back('\x80');
  text.resize((text.size() + kPadBlock - 1) / kPadBlock * kPadBlock, '\0');
}

Result<std::string_view> Unpad(std::string_view text) {
  size_t end = text.find_last_not_of('\0');
  if (end == std::string_view::npos || text[end] != '\x80') {
    return DataLossError("sealed data has bad padding");
  }
  return text.substr(0, end);
}

// Splits marked passages out of `text`; `passages` receives them in order.
Status ExtractPassages(std::string& text, std::vector<std::string>& passages) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find(kOpen, pos);
    size_t stray_close = text.find(kClose, pos);
    if (stray_close < open) {
      return InvalidArgumentError("'[/sensitive]' without a '[sensitive]' before it");
    }
    if (open == std::string::npos) break;
    size_t start = open + kOpen.size();
    size_t close = text.find(kClose, start);
    if (close == std::string::npos) {
      return InvalidArgumentError("'[sensitive]' without a '[/sensitive]' after it");
    }
    if (text.find(kOpen, start) < close) {
      return InvalidArgumentError("'[sensitive]' passages cannot be nested");
    }
    out.append(text, pos, open - pos);
    passages.push_back(text.substr(start, close - start));
    out += Placeholder(passages.size());
    pos = close + kClose.size();
  }
  out.append(text, pos);
  text = std::move(out);
  return OkStatus();
}

bool HasMarkup(const Json& value) {
  if (!value.is_string()) return false;
  const std::string& s = value.get_ref<const std::string&>();
  return s.find(kOpen) != std::string::npos;
}

// Whether any string in `value` (at any depth) holds passage markup.
bool HoldsMarkup(const Json& value) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    return s.find(kOpen) != std::string::npos || s.find(kClose) != std::string::npos ||
           s.find(kPlaceholderStart) != std::string::npos;
  }
  if (value.is_structured()) {
    for (const Json& item : value) {
      if (HoldsMarkup(item)) return true;
    }
  }
  return false;
}

}  // namespace

std::string KeyOwner(model::Kind kind, const std::string& id, const Json& body) {
  std::string_view field = model::SubjectField(kind);
  if (!field.empty()) {
    auto it = body.find(field);
    if (it != body.end() && it->is_string()) {
      const std::string& subject = it->get_ref<const std::string&>();
      Result<model::Kind> kind_of_subject = model::KindOfId(subject);
      if (kind_of_subject.ok() && *kind_of_subject == model::Kind::kPerson) return subject;
    }
  }
  return id;
}

bool HasSealableContent(model::Kind kind, const Json& body) {
  for (std::string_view field : model::SealedFields(kind)) {
    if (body.contains(field)) return true;
  }
  for (std::string_view field : model::TextFields(kind)) {
    auto it = body.find(field);
    if (it != body.end() && HasMarkup(*it)) return true;
  }
  return false;
}

Status CheckPassageMarkup(model::Kind kind, const Json& body) {
  // Markup anywhere else would be stored as typed, in the clear: refuse it.
  const auto& text_fields = model::TextFields(kind);
  const auto& sealed_fields = model::SealedFields(kind);
  for (const auto& [field, value] : body.items()) {
    auto is = [&](const auto& list) {
      return std::find(list.begin(), list.end(), field) != list.end();
    };
    if (!is(text_fields) && !is(sealed_fields) && HoldsMarkup(value)) {
      return InvalidArgumentError("field '" + field +
                                  "': [sensitive] passages are sealed only in text fields (" +
                                  "transcript, summary, description, note, statement...); "
                                  "quote the passage there");
    }
  }
  for (std::string_view field : model::TextFields(kind)) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string()) continue;
    const std::string& original = it->get_ref<const std::string&>();
    if (original.find('[') == std::string::npos) continue;  // most text: no markup at all
    std::string text = original;
    auto in_field = [&](Status s) { return s.WithContext("field '" + std::string(field) + "'"); };
    if (text.find(kPlaceholderStart) != std::string::npos) {
      return in_field(
          InvalidArgumentError("'[sealed passage' is reserved for passages "
                               "Custodian has sealed; mark text to seal as "
                               "[sensitive]...[/sensitive]"));
    }
    std::vector<std::string> passages;
    RETURN_IF_ERROR(in_field(ExtractPassages(text, passages)));
  }
  return OkStatus();
}

Result<Json> Seal(model::Kind kind, const std::string& id, Json body, const std::string& owner,
                  const SecretKey& data_key, Env& env) {
  if (body.contains(kEnvelopeField)) return InternalError("record " + id + " is sealed twice");
  RETURN_IF_ERROR(CheckPassageMarkup(kind, body));
  Json secret = {{"fields", Json::object()}, {"passages", Json::object()}};
  Json envelope = {{"key", owner}, {"fields", Json::array()}};
  for (std::string_view field : model::SealedFields(kind)) {
    auto it = body.find(field);
    if (it == body.end()) continue;
    secret["fields"][std::string(field)] = std::move(*it);
    envelope["fields"].push_back(field);
    body.erase(it);
  }
  for (std::string_view field : model::TextFields(kind)) {
    auto it = body.find(field);
    if (it == body.end() || !HasMarkup(*it)) continue;
    std::vector<std::string> passages;
    RETURN_IF_ERROR(ExtractPassages(it->get_ref<std::string&>(), passages));
    envelope["passages"][std::string(field)] = passages.size();
    secret["passages"][std::string(field)] = std::move(passages);
  }
  if (envelope["fields"].empty() && !envelope.contains("passages")) return body;
  std::string plaintext = CanonicalJson(secret);
  Pad(plaintext);
  envelope["data"] = crypto::Base64Encode(
      crypto::AeadSeal(data_key, plaintext, AssociatedData(kind, id, owner), env));
  crypto::SecureWipe({reinterpret_cast<uint8_t*>(plaintext.data()), plaintext.size()});
  body[std::string(kEnvelopeField)] = std::move(envelope);
  return body;
}

std::string EnvelopeOwner(const Json& body) {
  auto it = body.find(kEnvelopeField);
  if (it == body.end() || !it->is_object()) return {};
  auto key = it->find("key");
  return key != it->end() && key->is_string() ? key->get<std::string>() : std::string();
}

Result<Json> Unseal(model::Kind kind, const std::string& id, Json body, const SecretKey& data_key) {
  auto it = body.find(kEnvelopeField);
  if (it == body.end()) return body;
  std::string owner = EnvelopeOwner(body);
  auto data = it->find("data");
  if (owner.empty() || data == it->end() || !data->is_string()) {
    return DataLossError("record " + id + " has a malformed sealed envelope");
  }
  Result<std::string> sealed = crypto::Base64DecodePublic(data->get<std::string>());
  Result<std::string> plaintext =
      sealed.ok() ? crypto::AeadOpen(data_key, *sealed, AssociatedData(kind, id, owner))
                  : Result<std::string>(sealed.status());
  if (!plaintext.ok()) {
    return DataLossError("the sealed fields of " + id +
                         " do not open: the envelope was altered or moved from another record");
  }
  body.erase(it);
  Result<std::string_view> text = Unpad(*plaintext);
  Result<Json> secret = text.ok() ? ParseJson(*text) : Result<Json>(text.status());
  crypto::SecureWipe({reinterpret_cast<uint8_t*>(plaintext->data()), plaintext->size()});
  if (!secret.ok() || !secret->is_object()) {
    return DataLossError("the sealed fields of " + id + " are not readable");
  }
  for (auto& [field, value] : (*secret)["fields"].items()) body[field] = std::move(value);
  for (auto& [field, passages] : (*secret)["passages"].items()) {
    auto text_it = body.find(field);
    if (text_it == body.end() || !text_it->is_string() || !passages.is_array()) {
      return DataLossError("record " + id + ": sealed passages of '" + field +
                           "' have no text to return to");
    }
    std::string& target = text_it->get_ref<std::string&>();
    for (size_t n = passages.size(); n >= 1; --n) {  // from the last, so "1" never hits "10"
      std::string placeholder = Placeholder(n);
      size_t at = target.find(placeholder);
      if (at == std::string::npos || !passages[n - 1].is_string()) {
        return DataLossError("record " + id + ": sealed passage " + std::to_string(n) + " of '" +
                             field + "' has lost its place");
      }
      target.replace(at, placeholder.size(),
                     std::string(kOpen) + passages[n - 1].get<std::string>() + std::string(kClose));
    }
  }
  return body;
}

Json Redact(Json body) {
  auto it = body.find(kEnvelopeField);
  if (it == body.end()) return body;
  Json listed = Json::array();
  if (it->is_object()) {
    for (const Json& field : it->value("fields", Json::array())) listed.push_back(field);
    const Json passages = it->value("passages", Json::object());
    for (const auto& [field, count] : passages.items()) {
      listed.push_back(field + " (" + count.dump() + (count == 1 ? " passage)" : " passages)"));
    }
  }
  *it = std::move(listed);
  return body;
}

Json WithoutErased(model::Kind kind, Json body) {
  body.erase(kEnvelopeField);
  for (std::string_view field : model::TextFields(kind)) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string()) continue;
    std::string& text = it->get_ref<std::string&>();
    for (size_t at = 0; (at = text.find(kPlaceholderStart, at)) != std::string::npos;) {
      text.replace(at, kPlaceholderStart.size(), "[erased passage ");
    }
  }
  return body;
}

std::string Pseudonym(const SecretKey& pseudonym_key, std::string_view person_id) {
  static constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::array<uint8_t, 32> mac = crypto::HmacSha256(pseudonym_key, person_id);
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = bits << 8 | mac[i];
  std::string out = "P";
  for (int i = 0; i < 12; ++i) {  // 60 bits: no collision expected among millions of persons
    if (i % 4 == 0) out += '-';
    out += kCrockford[(bits >> (59 - 5 * i)) & 31];
  }
  return out;
}

}  // namespace custodian::protect
