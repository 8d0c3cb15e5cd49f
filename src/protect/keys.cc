// Key slots, key files, wrapped data keys and key fingerprints (docs/formats/keys.md).
#include <array>

#include "protect/protect.h"

namespace custodian::protect {
namespace {

constexpr std::string_view kKeyFileHeader = "custodian-key-file-v1\n";

std::string SlotAssociatedData(std::string_view kind) {
  return "custodian-key-slot-v1\n" + std::string(kind);
}

std::string WrapAssociatedData(std::string_view purpose) {
  return "custodian-wrapped-key-v1\n" + std::string(purpose);
}

Result<SecretKey> ParseKeyFile(std::string_view text) {
  if (text.substr(0, kKeyFileHeader.size()) != kKeyFileHeader) {
    return InvalidArgumentError(
        "not a Custodian key file (it should begin with "
        "'custodian-key-file-v1')");
  }
  std::string_view body = text.substr(kKeyFileHeader.size());
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  Result<std::string> bytes = crypto::Base64Decode(body);
  if (!bytes.ok() || bytes->size() != crypto::kSecretKeySize) {
    return InvalidArgumentError(
        "the key file is damaged or truncated: it should hold 32 bytes "
        "in base64");
  }
  Result<SecretKey> key = SecretKey::FromBytes(*bytes);
  crypto::SecureWipe({reinterpret_cast<uint8_t*>(bytes->data()), bytes->size()});
  return key;
}

}  // namespace

std::string NewKeyFileText(Env& env) {
  SecretKey key = SecretKey::Generate(env);
  return std::string(kKeyFileHeader) + crypto::Base64Encode(key.bytes()) + "\n";
}

Result<KeySlot> NewPassphraseSlot(const SecretKey& repository_key, std::string_view passphrase,
                                  const crypto::Argon2Params& params, Env& env) {
  RETURN_IF_ERROR(CheckPasswordStrength(passphrase).WithContext("passphrase"));
  KeySlot slot{.kind = "passphrase", .params = params};
  slot.salt.resize(crypto::kArgon2SaltSize);
  env.RandomBytes({reinterpret_cast<uint8_t*>(slot.salt.data()), slot.salt.size()});
  ASSIGN_OR_RETURN(SecretKey kek, crypto::DeriveKey(passphrase, slot.salt, params));
  slot.wrapped = crypto::AeadSeal(kek, repository_key.bytes(), SlotAssociatedData(slot.kind), env);
  return slot;
}

Result<KeySlot> NewKeyFileSlot(const SecretKey& repository_key, std::string_view key_file_text,
                               Env& env) {
  ASSIGN_OR_RETURN(SecretKey kek, ParseKeyFile(key_file_text));
  KeySlot slot{.kind = "key-file"};
  slot.wrapped = crypto::AeadSeal(kek, repository_key.bytes(), SlotAssociatedData(slot.kind), env);
  return slot;
}

Result<SecretKey> OpenSlot(const KeySlot& slot, const Unlocker& unlocker) {
  std::optional<SecretKey> kek;
  if (slot.kind == "passphrase") {
    if (unlocker.passphrase.empty()) return PermissionDeniedError("no passphrase given");
    ASSIGN_OR_RETURN(kek, crypto::DeriveKey(unlocker.passphrase, slot.salt, slot.params));
  } else if (slot.kind == "key-file") {
    if (unlocker.key_file_text.empty()) return PermissionDeniedError("no key file given");
    ASSIGN_OR_RETURN(kek, ParseKeyFile(unlocker.key_file_text));
  } else {
    return DataLossError("key slot " + std::to_string(slot.id) + " has unknown kind '" + slot.kind +
                         "'");
  }
  Result<std::string> key = crypto::AeadOpen(*kek, slot.wrapped, SlotAssociatedData(slot.kind));
  if (!key.ok()) {
    return PermissionDeniedError(slot.kind == "passphrase"
                                     ? "the passphrase does not unlock this repository"
                                     : "the key file does not unlock this repository");
  }
  Result<SecretKey> out = SecretKey::FromBytes(*key);
  crypto::SecureWipe({reinterpret_cast<uint8_t*>(key->data()), key->size()});
  if (!out.ok()) return DataLossError("key slot " + std::to_string(slot.id) + " is damaged");
  return out;
}

std::string WrapKey(const SecretKey& repository_key, const SecretKey& key, std::string_view purpose,
                    Env& env) {
  return crypto::AeadSeal(repository_key, key.bytes(), WrapAssociatedData(purpose), env);
}

Result<SecretKey> UnwrapKey(const SecretKey& repository_key, std::string_view wrapped,
                            std::string_view purpose) {
  Result<std::string> bytes =
      crypto::AeadOpen(repository_key, wrapped, WrapAssociatedData(purpose));
  if (!bytes.ok()) {
    return DataLossError("the key for " + std::string(purpose) +
                         " does not open with the repository key: it was altered, or belongs "
                         "to another repository");
  }
  Result<SecretKey> key = SecretKey::FromBytes(*bytes);
  crypto::SecureWipe({reinterpret_cast<uint8_t*>(bytes->data()), bytes->size()});
  return key;
}

std::string DataKeyPurpose(std::string_view owner) { return "data key of " + std::string(owner); }

std::string KeyFingerprint(const SecretKey& repository_key) {
  std::array<uint8_t, 32> mac = crypto::HmacSha256(repository_key, "custodian key fingerprint");
  return crypto::HexEncode(std::span<const uint8_t>(mac.data(), 8));
}

}  // namespace custodian::protect
