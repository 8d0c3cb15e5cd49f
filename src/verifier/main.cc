// custodian-verify: checks what a Custodian repository hands out (bundles, inclusion and
// consistency proofs, checkpoints) with nothing but the log's public verifier key, and lets a
// witness generate a key and cosign checkpoints. Formats: docs/formats/proofs.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "base/canonical_json.h"
#include "base/env.h"
#include "ledger/ledger.h"

namespace custodian::verifier {
namespace {

using Json = nlohmann::json;
using Action = std::function<Status()>;

Result<std::string> ReadText(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  return Env::Default().ReadFile(path);
}

Result<Json> ReadJson(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadText(path));
  Result<Json> json = ParseJson(text, {.max_bytes = 64 << 20, .max_depth = 16});
  if (!json.ok()) return json.status().WithContext(path);
  return json;
}

Result<ledger::NoteVerifier> KeyArg(const std::string& text) {
  if (text.empty()) {
    return InvalidArgumentError(
        "--key is required: the log's verifier key as its owner "
        "published it (custodian key prints it)");
  }
  return ledger::NoteVerifier::FromTextOrFile(Env::Default(), text);
}

constexpr std::string_view kWitnessKeyHeader = "custodian-witness-key-v1\n";

void Register(CLI::App& app, Action& run) {
  auto key = std::make_shared<std::string>();
  auto path = std::make_shared<std::string>();

  auto* bundle = app.add_subcommand("bundle", "Verify a ledger bundle (custodian bundle)");
  bundle->add_option("file", *path, "Bundle file ('-' for stdin)")->required();
  bundle->add_option("--key", *key,
                     "The log's verifier key as published; without it the key inside the "
                     "bundle is used, which proves integrity but not authorship");
  bundle->callback([&run, key, path] {
    run = [key, path]() -> Status {
      std::optional<ledger::NoteVerifier> trusted;
      if (!key->empty()) {
        ASSIGN_OR_RETURN(trusted, KeyArg(*key));
      }
      std::ifstream file;
      std::istream* in = &std::cin;
      if (*path != "-") {
        file.open(*path, std::ios::binary);
        if (!file) return NotFoundError("cannot open " + *path);
        in = &file;
      }
      ASSIGN_OR_RETURN(ledger::BundleReport report, ledger::VerifyBundle(*in, trusted));
      std::cout << "OK: " << report.entries << " entries, root " << crypto::HexEncode(report.root)
                << "\n"
                << report.checkpoints << " checkpoint" << (report.checkpoints == 1 ? "" : "s")
                << " signed by " << report.verifier_key << "\n";
      if (!trusted) {
        std::cout << "note: checked against the key named inside the bundle; pass --key with "
                     "the published key to check who signed it\n";
      }
      for (const auto& [witness, sizes] : report.witnesses) {
        std::cout << "witness " << witness << " cosigned tree sizes:";
        for (uint64_t s : sizes) std::cout << " " << s;
        std::cout << "\n";
      }
      return OkStatus();
    };
  });

  auto* inclusion = app.add_subcommand(
      "inclusion", "Verify that an entry is in a signed checkpoint (custodian prove inclusion)");
  inclusion->add_option("proof", *path, "Proof file ('-' for stdin)")->required();
  inclusion->add_option("--key", *key, "The log's verifier key as published")->required();
  inclusion->callback([&run, key, path] {
    run = [key, path]() -> Status {
      ASSIGN_OR_RETURN(ledger::NoteVerifier log, KeyArg(*key));
      ASSIGN_OR_RETURN(Json json, ReadJson(*path));
      ASSIGN_OR_RETURN(ledger::InclusionProofDoc doc, ledger::InclusionProofFromJson(json));
      RETURN_IF_ERROR(ledger::VerifyInclusionDoc(doc, log));
      // Custodian entries also name their own position; a proof for one entry presented as
      // another's would otherwise pass the Merkle check.
      Result<Json> entry = ParseJson(doc.entry, {.max_bytes = 64 << 20, .max_depth = 64});
      if (entry.ok() && entry->is_object() && entry->contains("seq") &&
          (*entry)["seq"] != doc.index) {
        return DataLossError("the entry says it is entry " + (*entry)["seq"].dump() +
                             ", not entry " + std::to_string(doc.index));
      }
      std::cout << "OK: entry " << doc.index << " is in the tree of " << doc.tree_size
                << " entries signed by " << log.name << "\nentry: " << doc.entry << "\n";
      return OkStatus();
    };
  });

  auto* consistency = app.add_subcommand(
      "consistency", "Verify that an older checkpoint is a prefix of a newer one");
  consistency->add_option("proof", *path, "Proof file ('-' for stdin)")->required();
  consistency->add_option("--key", *key, "The log's verifier key as published")->required();
  consistency->callback([&run, key, path] {
    run = [key, path]() -> Status {
      ASSIGN_OR_RETURN(ledger::NoteVerifier log, KeyArg(*key));
      ASSIGN_OR_RETURN(Json json, ReadJson(*path));
      ASSIGN_OR_RETURN(ledger::ConsistencyProofDoc doc, ledger::ConsistencyProofFromJson(json));
      RETURN_IF_ERROR(ledger::VerifyConsistencyDoc(doc, log));
      std::cout << "OK: the older checkpoint's ledger is a prefix of the newer one's: nothing "
                   "recorded before it was changed or removed\n";
      return OkStatus();
    };
  });

  auto* checkpoint = app.add_subcommand("checkpoint", "Verify a signed checkpoint's signature");
  checkpoint->add_option("file", *path, "Signed note file ('-' for stdin)")->required();
  checkpoint->add_option("--key", *key, "The signer's verifier key")->required();
  checkpoint->callback([&run, key, path] {
    run = [key, path]() -> Status {
      ASSIGN_OR_RETURN(ledger::NoteVerifier signer, KeyArg(*key));
      ASSIGN_OR_RETURN(std::string text, ReadText(*path));
      ASSIGN_OR_RETURN(ledger::SignedNote note, ledger::SignedNote::Parse(text));
      RETURN_IF_ERROR(ledger::VerifyNote(note, signer));
      ASSIGN_OR_RETURN(ledger::Checkpoint cp, ledger::ParseCheckpoint(note.body));
      std::cout << "OK: " << signer.name << " signed " << cp.origin << " at " << cp.size
                << " entries, root " << crypto::HexEncode(cp.root) << "\n";
      return OkStatus();
    };
  });

  auto name = std::make_shared<std::string>();
  auto key_file = std::make_shared<std::string>();
  auto* keygen = app.add_subcommand("keygen", "Make a witness key pair");
  keygen->add_option("name", *name, "The witness's name, e.g. ngo.example/witness")->required();
  keygen->add_option("--key-file", *key_file, "Where to write the private key (mode 0600)")
      ->required();
  keygen->callback([&run, name, key_file] {
    run = [name, key_file]() -> Status {
      if (Env::Default().FileExists(*key_file)) {
        return AlreadyExistsError(*key_file + " exists; refusing to overwrite a key");
      }
      crypto::SigningKey k = crypto::SigningKey::Generate(Env::Default());
      std::string seed(reinterpret_cast<const char*>(k.seed().data()), k.seed().size());
      ledger::NoteVerifier v = ledger::NoteVerifier::For(*name, k.public_key());
      // Validate the name by parsing the verifier key we are about to print.
      RETURN_IF_ERROR(ledger::NoteVerifier::Parse(v.ToString()).status());
      RETURN_IF_ERROR(Env::Default().WriteFileAtomically(
          *key_file,
          std::string(kWitnessKeyHeader) + *name + "\n" + crypto::Base64Encode(seed) + "\n", 0600));
      crypto::SecureWipe({reinterpret_cast<uint8_t*>(seed.data()), seed.size()});
      std::cout << v.ToString() << "\n";
      return OkStatus();
    };
  });

  auto* cosign = app.add_subcommand(
      "cosign", "As a witness: check a checkpoint's log signature, then add yours to it");
  cosign->add_option("checkpoint", *path, "Signed note file ('-' for stdin)")->required();
  cosign->add_option("--key", *key, "The log's verifier key as published")->required();
  cosign->add_option("--key-file", *key_file, "Your witness key file (keygen)")->required();
  cosign->callback([&run, key, path, key_file] {
    run = [key, path, key_file]() -> Status {
      ASSIGN_OR_RETURN(ledger::NoteVerifier log, KeyArg(*key));
      ASSIGN_OR_RETURN(std::string text, ReadText(*path));
      ASSIGN_OR_RETURN(ledger::SignedNote note, ledger::SignedNote::Parse(text));
      RETURN_IF_ERROR(ledger::VerifyNote(note, log).WithContext("the log's signature"));
      ASSIGN_OR_RETURN(ledger::Checkpoint cp, ledger::ParseCheckpoint(note.body));
      if (cp.origin != log.name) {
        return DataLossError("the checkpoint is for '" + cp.origin + "', not the log '" + log.name +
                             "'");
      }
      ASSIGN_OR_RETURN(std::string secret, Env::Default().ReadFile(*key_file));
      std::string_view view = secret;
      size_t nl = view.find('\n', kWitnessKeyHeader.size());
      if (!view.starts_with(kWitnessKeyHeader) || nl == std::string_view::npos ||
          !view.ends_with("\n")) {
        return InvalidArgumentError(*key_file + " is not a witness key file");
      }
      std::string witness_name(
          view.substr(kWitnessKeyHeader.size(), nl - kWitnessKeyHeader.size()));
      Result<std::string> seed = crypto::Base64Decode(view.substr(nl + 1, view.size() - nl - 2));
      crypto::SecureWipe({reinterpret_cast<uint8_t*>(secret.data()), secret.size()});
      if (!seed.ok()) return InvalidArgumentError(*key_file + " is damaged");
      ASSIGN_OR_RETURN(crypto::SigningKey witness,
                       crypto::SigningKey::FromSeed(
                           {reinterpret_cast<const uint8_t*>(seed->data()), seed->size()}));
      crypto::SecureWipe({reinterpret_cast<uint8_t*>(seed->data()), seed->size()});
      note.signatures.push_back(ledger::SignNote(note.body, witness_name, witness));
      std::cout << note.ToString();
      return OkStatus();
    };
  });
}

}  // namespace
}  // namespace custodian::verifier

int main(int argc, char** argv) {
  CLI::App app{
      "custodian-verify: check a Custodian ledger's bundles, proofs and checkpoints with only "
      "its public key.",
      "custodian-verify"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "custodian-verify 0.1.0");
  custodian::verifier::Action run;
  custodian::verifier::Register(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  custodian::Status status = run();
  if (!status.ok()) {
    std::fprintf(stderr, "custodian-verify: %s%s\n",
                 status.code() == custodian::StatusCode::kDataLoss ? "FAILED: " : "",
                 status.ToString().c_str());
    return custodian::ExitCodeFor(status.code());
  }
  return 0;
}
