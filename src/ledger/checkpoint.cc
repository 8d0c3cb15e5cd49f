// Checkpoints and signed notes, after C2SP tlog-checkpoint and C2SP signed-note: the text
// formats a court, a partner or a witness can check with any conforming verifier.
#include <charconv>

#include "ledger/ledger.h"

namespace custodian::ledger {
namespace {

constexpr std::string_view kEmDash = "\xE2\x80\x94";  // U+2014, which opens a signature line
constexpr uint8_t kEd25519Type = 0x01;
constexpr size_t kMaxNoteBytes = 1 << 20;
constexpr size_t kMaxSignatures = 100;

bool ValidKeyName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  for (unsigned char c : name) {
    if (c <= 0x20 || c == '+' || c == 0x7f) return false;
  }
  return true;
}

std::string_view Bytes(const NoteKeyId& id) {
  return {reinterpret_cast<const char*>(id.data()), id.size()};
}

}  // namespace

std::string Checkpoint::Body() const {
  std::string body = origin + "\n" + std::to_string(size) + "\n" +
                     crypto::Base64Encode(crypto::AsBytes(root)) + "\n";
  for (const std::string& line : extensions) body += line + "\n";
  return body;
}

Result<Checkpoint> ParseCheckpoint(std::string_view body) {
  if (body.size() > kMaxNoteBytes || body.empty() || body.back() != '\n') {
    return InvalidArgumentError("a checkpoint is lines of text ending in a newline");
  }
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < body.size();) {
    size_t nl = body.find('\n', start);
    lines.push_back(body.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines.size() < 3) {
    return InvalidArgumentError("a checkpoint needs an origin, a tree size and a root hash");
  }
  Checkpoint cp;
  cp.origin = lines[0];
  if (cp.origin.empty()) return InvalidArgumentError("checkpoint origin line is empty");
  std::string_view size = lines[1];
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), cp.size);
  if (ec != std::errc() || end != size.data() + size.size() || size.empty() ||
      (size.size() > 1 && size[0] == '0')) {
    return InvalidArgumentError("checkpoint tree size '" + std::string(size.substr(0, 30)) +
                                "' is not a decimal number");
  }
  Result<std::string> root = crypto::Base64Decode(lines[2]);
  if (!root.ok() || root->size() != cp.root.size()) {
    return InvalidArgumentError("checkpoint root hash is not 32 bytes of base64");
  }
  std::copy(root->begin(), root->end(), cp.root.begin());
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return InvalidArgumentError("checkpoint has an empty extension line");
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

NoteKeyId ComputeNoteKeyId(std::string_view name, const crypto::Ed25519PublicKey& key) {
  static constexpr char kSeparator[] = {'\n', static_cast<char>(kEd25519Type)};
  crypto::Sha256Digest d =
      crypto::Sha256Parts({name, std::string_view(kSeparator, 2), crypto::AsBytes(key)});
  NoteKeyId id;
  std::copy(d.begin(), d.begin() + 4, id.begin());
  return id;
}

NoteVerifier NoteVerifier::For(std::string_view name, const crypto::Ed25519PublicKey& key) {
  return NoteVerifier{std::string(name), ComputeNoteKeyId(name, key), key};
}

std::string NoteVerifier::ToString() const {
  std::string typed(1, static_cast<char>(kEd25519Type));
  typed += crypto::AsBytes(key);
  return name + "+" + crypto::HexEncode(Bytes(key_id)) + "+" + crypto::Base64Encode(typed);
}

Result<NoteVerifier> NoteVerifier::Parse(std::string_view text) {
  auto fail = [&] {
    return InvalidArgumentError(
        "not a verifier key; expected <name>+<8 hex digits>+<base64 key>, e.g. "
        "example.com/log+530d903a+AekyeRrm...");
  };
  // Names cannot hold '+' and key ids are hex, but base64 may: split at the first two.
  size_t first = text.find('+');
  if (first == std::string_view::npos || first == 0) return fail();
  size_t second = text.find('+', first + 1);
  if (second == std::string_view::npos) return fail();
  NoteVerifier v;
  v.name = text.substr(0, first);
  if (!ValidKeyName(v.name)) return fail();
  Result<std::string> id = crypto::HexDecode(text.substr(first + 1, second - first - 1));
  Result<std::string> key = crypto::Base64Decode(text.substr(second + 1));
  if (!id.ok() || id->size() != 4 || !key.ok()) return fail();
  if (key->size() != 33 || static_cast<uint8_t>((*key)[0]) != kEd25519Type) {
    return InvalidArgumentError("only Ed25519 verifier keys (type 0x01) are supported");
  }
  std::copy(key->begin() + 1, key->end(), v.key.begin());
  std::copy(id->begin(), id->end(), v.key_id.begin());
  if (v.key_id != ComputeNoteKeyId(v.name, v.key)) {
    return InvalidArgumentError("the verifier key's id does not match its name and key");
  }
  return v;
}

Result<NoteVerifier> NoteVerifier::FromTextOrFile(Env& env, const std::string& text_or_path) {
  if (!env.FileExists(text_or_path)) return Parse(text_or_path);
  ASSIGN_OR_RETURN(std::string text, env.ReadFile(text_or_path));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return Parse(text);
}

Result<SignedNote> SignedNote::Parse(std::string_view text) {
  if (text.size() > kMaxNoteBytes) return InvalidArgumentError("signed note is over 1 MiB");
  if (text.find('\0') != std::string_view::npos || text.find('\r') != std::string_view::npos) {
    return InvalidArgumentError("signed note contains a NUL or carriage return");
  }
  size_t split = text.rfind("\n\n");
  if (split == std::string_view::npos) {
    return InvalidArgumentError("signed note has no blank line before its signatures");
  }
  SignedNote note;
  note.body = text.substr(0, split + 1);
  std::string_view rest = text.substr(split + 2);
  if (rest.empty() || rest.back() != '\n') {
    return InvalidArgumentError("signed note must end with a signature line and a newline");
  }
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (!line.starts_with(kEmDash) || line.size() < kEmDash.size() + 1 ||
        line[kEmDash.size()] != ' ') {
      return InvalidArgumentError("signature line does not start with an em dash and a space");
    }
    line.remove_prefix(kEmDash.size() + 1);
    size_t space = line.find(' ');
    if (space == std::string_view::npos) {
      return InvalidArgumentError("signature line lacks a key name or signature");
    }
    NoteSignature sig;
    sig.name = line.substr(0, space);
    if (!ValidKeyName(sig.name)) return InvalidArgumentError("signature line has a bad key name");
    Result<std::string> blob = crypto::Base64Decode(line.substr(space + 1));
    if (!blob.ok() || blob->size() < 5) {
      return InvalidArgumentError("signature is not base64 of a key id and a signature");
    }
    std::copy(blob->begin(), blob->begin() + 4, sig.key_id.begin());
    sig.signature = blob->substr(4);
    note.signatures.push_back(std::move(sig));
    if (note.signatures.size() > kMaxSignatures) {
      return InvalidArgumentError("signed note has more than 100 signatures");
    }
  }
  return note;
}

std::string SignedNote::ToString() const {
  std::string out = body + "\n";
  for (const NoteSignature& sig : signatures) {
    std::string blob(Bytes(sig.key_id));
    blob += sig.signature;
    out += std::string(kEmDash) + " " + sig.name + " " + crypto::Base64Encode(blob) + "\n";
  }
  return out;
}

NoteSignature SignNote(std::string_view body, std::string_view name,
                       const crypto::SigningKey& key) {
  crypto::Ed25519Signature sig = key.Sign(body);
  return NoteSignature{std::string(name), ComputeNoteKeyId(name, key.public_key()),
                       std::string(reinterpret_cast<const char*>(sig.data()), sig.size())};
}

Status VerifyNote(const SignedNote& note, const NoteVerifier& verifier) {
  bool found = false;
  for (const NoteSignature& sig : note.signatures) {
    if (sig.name != verifier.name || sig.key_id != verifier.key_id) continue;
    found = true;
    const auto* bytes = reinterpret_cast<const uint8_t*>(sig.signature.data());
    if (!crypto::VerifyEd25519(verifier.key, note.body, {bytes, sig.signature.size()})) {
      return DataLossError("the signature by " + verifier.name + " does not verify");
    }
  }
  if (!found) return DataLossError("the note carries no signature by " + verifier.name);
  return OkStatus();
}

}  // namespace custodian::ledger
