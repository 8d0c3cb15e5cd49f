// The commands of witness protection: accounts, API tokens, the access audit, erasure and
// the repository key. Each calls one Repository operation, which checks the permission.
#include <iostream>

#include "cli/cli.h"

namespace custodian::cli {
namespace {

using repo::Json;

Result<bool> YesNo(const std::string& flag, const std::string& value) {
  if (value == "yes") return true;
  if (value == "no") return false;
  return InvalidArgumentError(flag + " takes yes or no");
}

// A key file given for a new slot: created (0600) if it does not exist yet.
Result<std::string> NewOrExistingKeyFile(const std::string& path) {
  Env& env = Env::Default();
  if (!env.FileExists(path)) {
    RETURN_IF_ERROR(env.WriteFileAtomically(path, protect::NewKeyFileText(env), 0600));
    std::cerr << "custodian: created key file " << path << "\n";
  }
  return env.ReadFile(path);
}

void RegisterAccount(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("account", "Manage accounts, roles, clearance and grants (admin)");
  cmd->require_subcommand(1);
  struct Args {
    std::string name, role, clearance, disabled, dossier;
  };
  auto a = std::make_shared<Args>();

  auto* add = cmd->add_subcommand(
      "add", "Create an account; its password comes from $CUSTODIAN_NEW_PASSWORD or the prompt");
  add->add_option("name", a->name, "Account name (a-z, 0-9, '.', '_', '-')")->required();
  add->add_option("--role", a->role, "admin, investigator, analyst, legal_officer or viewer")
      ->required();
  add->add_option("--clearance", a->clearance, "yes: may see sealed identities (default no)");
  add->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(protect::Role role, protect::ParseRole(a->role));
      bool clearance = false;
      if (!a->clearance.empty()) {
        ASSIGN_OR_RETURN(clearance, YesNo("--clearance", a->clearance));
      }
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(std::string password,
                       Secret("CUSTODIAN_NEW_PASSWORD", "password for " + a->name, true));
      RETURN_IF_ERROR(repo->CreateAccount(a->name, role, clearance, password));
      if (!g.json) std::cout << "created account " << a->name << " (" << a->role << ")\n";
      return OkStatus();
    };
  });

  auto* list = cmd->add_subcommand("list", "List accounts (others see only their own)");
  list->callback([&g, &run] {
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(std::vector<repo::AccountInfo> accounts, repo->Accounts());
      Json out = Json::array();
      for (const repo::AccountInfo& info : accounts) {
        if (g.json) {
          out.push_back({{"account", info.name},
                         {"role", std::string(protect::RoleName(info.role))},
                         {"clearance", info.clearance},
                         {"disabled", info.disabled},
                         {"dossiers", info.dossiers},
                         {"ledger_entry", info.seq}});
          continue;
        }
        std::cout << info.name << "  " << protect::RoleName(info.role)
                  << (info.clearance ? "  identity clearance" : "")
                  << (info.disabled ? "  DISABLED" : "");
        for (const std::string& d : info.dossiers) std::cout << "  " << d;
        std::cout << "\n";
      }
      if (g.json) PrintJson(out);
      return OkStatus();
    };
  });

  auto* set = cmd->add_subcommand("set", "Change an account's role, clearance or state");
  set->add_option("name", a->name, "Account name")->required();
  set->add_option("--role", a->role, "New role");
  set->add_option("--clearance", a->clearance, "yes or no");
  set->add_option("--disabled", a->disabled, "yes (cannot sign in) or no");
  set->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      repo::AccountChange change;
      if (!a->role.empty()) {
        ASSIGN_OR_RETURN(change.role, protect::ParseRole(a->role));
      }
      if (!a->clearance.empty()) {
        ASSIGN_OR_RETURN(change.clearance, YesNo("--clearance", a->clearance));
      }
      if (!a->disabled.empty()) {
        ASSIGN_OR_RETURN(change.disabled, YesNo("--disabled", a->disabled));
      }
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      return repo->ChangeAccount(a->name, change);
    };
  });

  auto* password = cmd->add_subcommand(
      "password", "Set a password ($CUSTODIAN_NEW_PASSWORD or the prompt); your own by default");
  password->add_option("name", a->name, "Account (admins may set anyone's)");
  password->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      std::string name = a->name.empty() ? repo->principal().account : a->name;
      ASSIGN_OR_RETURN(std::string pw, Secret("CUSTODIAN_NEW_PASSWORD", "new password", true));
      return repo->SetPassword(name, pw);
    };
  });

  for (bool granted : {true, false}) {
    auto* grant = cmd->add_subcommand(
        granted ? "grant" : "revoke",
        granted ? "Let an account work on a dossier" : "Take a dossier away from an account");
    grant->add_option("name", a->name, "Account")->required();
    grant->add_option("dossier", a->dossier, "Dossier id")->required();
    grant->callback([&g, &run, a, granted] {
      run = [&g, a, granted]() -> Status {
        ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
        return repo->Grant(a->name, a->dossier, granted);
      };
    });
  }
}

void RegisterToken(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("token", "API tokens for scripts and the HTTP API");
  cmd->require_subcommand(1);
  struct Args {
    std::string label, account, prefix;
    bool all = false;
    int days = repo::Repository::kDefaultTokenDays;
  };
  auto a = std::make_shared<Args>();
  auto* create = cmd->add_subcommand(
      "create", "Make a token for your account; it is printed once and stored only as a hash");
  create->add_option("--label", a->label, "What the token is for")->required();
  create->add_option("--days", a->days,
                     "How long it stays valid, 1 to " +
                         std::to_string(repo::Repository::kMaxTokenDays) + " days (default " +
                         std::to_string(repo::Repository::kDefaultTokenDays) + ")");
  create->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(std::string token, repo->CreateToken(a->label, a->days));
      std::cout << token << "\n";
      return OkStatus();
    };
  });
  auto* list =
      cmd->add_subcommand("list", "List tokens: digest prefix, when made, when it expires, label");
  list->add_option("--account", a->account, "Whose tokens (admins; default: yours)");
  list->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      std::string account = a->account.empty() ? repo->principal().account : a->account;
      ASSIGN_OR_RETURN(std::vector<repo::Repository::TokenInfo> tokens, repo->Tokens(account));
      for (const auto& t : tokens) {
        std::cout << t.digest.substr(0, 12) << "  " << t.created << "  expires " << t.expires
                  << "  " << t.label << "\n";
      }
      return OkStatus();
    };
  });
  auto* revoke = cmd->add_subcommand("revoke", "Revoke tokens by the start of their digest");
  revoke->add_option("prefix", a->prefix, "Start of the token's SHA-256 digest (hex)");
  revoke->add_flag("--all", a->all, "Revoke every token of the account");
  revoke->add_option("--account", a->account, "Whose tokens (admins; default: yours)");
  revoke->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      if (a->prefix.empty() != a->all) {
        return InvalidArgumentError("give a digest prefix or --all (not both)");
      }
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      std::string account = a->account.empty() ? repo->principal().account : a->account;
      ASSIGN_OR_RETURN(int64_t n, repo->RevokeTokens(account, a->prefix));
      std::cout << "revoked " << n << " token" << (n == 1 ? "" : "s") << "\n";
      return OkStatus();
    };
  });
}

void RegisterAudit(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("audit", "Who saw which sealed identity, when and why");
  struct Args {
    std::string record, account;
    int64_t limit = 100;
    uint64_t before = UINT64_MAX;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--record", a->record, "Only accesses to this record (complete exports too)");
  cmd->add_option("--account", a->account, "Only accesses by this account");
  cmd->add_option("--limit", a->limit, "At most this many, newest first (default 100)");
  cmd->add_option("--before", a->before,
                  "Only accesses recorded before this ledger entry (the oldest entry of the page "
                  "before)");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(std::vector<repo::AccessEvent> events,
                       repo->Audit(a->record, a->account, a->limit, a->before));
      Json out = Json::array();
      for (const repo::AccessEvent& e : events) {
        if (g.json) {
          out.push_back({{"ledger_entry", e.seq},
                         {"at", e.at},
                         {"account", e.account},
                         {"scope", e.scope},
                         {"records", e.records},
                         {"purpose", e.purpose}});
          continue;
        }
        std::string records;
        for (const std::string& r : e.records) records += (records.empty() ? "" : ",") + r;
        if (records == "*") records = "every identity";
        std::cout << e.at << "  entry " << e.seq << "  " << e.account << "  " << e.scope << "  "
                  << records << "  purpose: " << e.purpose << "\n";
      }
      if (g.json) PrintJson(out);
      return OkStatus();
    };
  });
}

void RegisterErase(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "erase-identity",
      "Destroy a person's data key: their sealed fields become unrecoverable, for good; the "
      "ledger still verifies and records the erasure");
  struct Args {
    std::string id, reason;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("id", a->id, "The person (or record sealed under its own key)")->required();
  cmd->add_option("--reason", a->reason, "Why (kept in the ledger)")->required();
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kIfGiven));
      ASSIGN_OR_RETURN(uint64_t seq, repo->EraseIdentity(a->id, a->reason));
      std::cout << "erased the identity of " << a->id << " (ledger entry " << seq << ")\n";
      if (repo->unlocked()) UpdateSearchIndexAfterWrite(*repo, g);
      return OkStatus();
    };
  });
}

void RegisterKeyring(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "keyring", "The repository key: its key slots (passphrases, key files) and rotation (admin)");
  struct Args {
    std::string key_file;
    int64_t slot = 0;
    bool no_passphrase = false;
  };
  auto a = std::make_shared<Args>();
  cmd->callback([&g, &run, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kIfGiven));
      ASSIGN_OR_RETURN(repo::KeyringInfo info, repo->Keyring());
      if (g.json) {
        Json slots = Json::array();
        for (const auto& s : info.slots) slots.push_back({{"slot", s.id}, {"kind", s.kind}});
        PrintJson({{"fingerprint", info.fingerprint},
                   {"slots", slots},
                   {"data_keys", info.data_keys},
                   {"unlocked", info.unlocked}});
        return OkStatus();
      }
      std::cout << "repository key " << info.fingerprint << "\n";
      for (const auto& s : info.slots) std::cout << "  slot " << s.id << ": " << s.kind << "\n";
      std::cout << "  " << info.data_keys << " data keys wrapped under it\n";
      return OkStatus();
    };
  });
  auto* add_pass = cmd->add_subcommand(
      "add-passphrase", "Add a passphrase slot ($CUSTODIAN_NEW_PASSPHRASE or the prompt)");
  add_pass->callback([&g, &run] {
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      ASSIGN_OR_RETURN(std::string passphrase,
                       Secret("CUSTODIAN_NEW_PASSPHRASE", "new passphrase", true));
      ASSIGN_OR_RETURN(int64_t id, repo->AddKeySlot({.passphrase = passphrase}));
      std::cout << "added key slot " << id << "\n";
      return OkStatus();
    };
  });
  auto* add_file =
      cmd->add_subcommand("add-key-file", "Add a key-file slot (the file is created if missing)");
  add_file->add_option("file", a->key_file, "The key file")->required();
  add_file->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      ASSIGN_OR_RETURN(std::string text, NewOrExistingKeyFile(a->key_file));
      ASSIGN_OR_RETURN(int64_t id, repo->AddKeySlot({.key_file_text = text}));
      std::cout << "added key slot " << id << "\n";
      return OkStatus();
    };
  });
  auto* remove = cmd->add_subcommand("remove-slot", "Remove a key slot (not the last)");
  remove->add_option("slot", a->slot, "Slot number (custodian keyring lists them)")->required();
  remove->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      return repo->RemoveKeySlot(a->slot);
    };
  });
  auto* rotate = cmd->add_subcommand(
      "rotate",
      "Replace the repository key: data keys are re-wrapped (records are not re-encrypted) and "
      "every old slot is replaced by a new passphrase ($CUSTODIAN_NEW_PASSPHRASE or the "
      "prompt) and/or --new-key-file");
  rotate->add_option("--new-key-file", a->key_file, "Also (or only) unlock with this key file");
  rotate->add_flag("--no-passphrase", a->no_passphrase, "Only the new key file will unlock");
  rotate->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      if (a->no_passphrase && a->key_file.empty()) {
        return InvalidArgumentError("--no-passphrase needs --new-key-file");
      }
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      protect::Unlocker next;
      if (!a->key_file.empty()) {
        ASSIGN_OR_RETURN(next.key_file_text, NewOrExistingKeyFile(a->key_file));
      }
      if (!a->no_passphrase) {
        ASSIGN_OR_RETURN(next.passphrase,
                         Secret("CUSTODIAN_NEW_PASSPHRASE", "new passphrase", true));
      }
      ProgressBar bar("rotate", ProgressEnabled(g));
      ASSIGN_OR_RETURN(int64_t n,
                       repo->RotateKey(next, [&bar](uint64_t d, uint64_t t) { bar.Update(d, t); }));
      std::cout << "rotated the repository key; re-wrapped " << n << " data keys\n";
      return OkStatus();
    };
  });
}

void RegisterPseudonym(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("pseudonym", "Print a person's stable pseudonym");
  auto id = std::make_shared<std::string>();
  cmd->add_option("person", *id, "Person id")->required();
  cmd->callback([&g, &run, id] {
    run = [&g, id]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      ASSIGN_OR_RETURN(std::string pseudonym, repo->Pseudonym(*id));
      std::cout << pseudonym << "\n";
      return OkStatus();
    };
  });
}

}  // namespace

void RegisterAccessCommands(CLI::App& app, Globals& g, Action& run) {
  RegisterAccount(app, g, run);
  RegisterToken(app, g, run);
  RegisterAudit(app, g, run);
  RegisterErase(app, g, run);
  RegisterKeyring(app, g, run);
  RegisterPseudonym(app, g, run);
}

}  // namespace custodian::cli
