// The HTTP API against a real server on a real repository: authentication, sessions and CSRF,
// login limits, the permission matrix through HTTP, hostile bodies and paths, proofs a client
// can check, and the OpenAPI description against what the server routes.
#include "api/api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "ledger/ledger.h"
#include "testing/test_env.h"
#include "testing/test_repo.h"

namespace custodian::api {
namespace {

using custodian::testing::FastOptions;
using custodian::testing::OpenAs;
using custodian::testing::TempDir;
using custodian::testing::TestEnv;
using custodian::testing::TestInit;
using custodian::testing::TestKeyFileText;
using repo::Json;

Json Parse(const httplib::Result& result) {
  if (!result) return Json();
  return Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
}

std::string ErrorCode(const httplib::Result& result) {
  Json body = Parse(result);
  return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

// A self-signed certificate for 127.0.0.1 (P-256, valid for an hour) and its key, as PEM.
void WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  ASSERT_NE(san, nullptr);
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  BIO* out = BIO_new_file(cert_path.c_str(), "w");
  ASSERT_EQ(PEM_write_bio_X509(out, cert), 1);
  BIO_free(out);
  out = BIO_new_file(key_path.c_str(), "w");
  ASSERT_EQ(PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  BIO_free(out);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FastOptions(&env_);
    auto repo = repo::Repository::Init(dir_ / "r", options_, TestInit(/*gazetteer=*/false));
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    admin_ = std::move(repo).value();
    ASSERT_TRUE(
        admin_->Add({{"kind", "person"}, {"id", "per-w"}, {"names", {"홍길순"}}, {"sex", "female"}})
            .ok());
    ASSERT_TRUE(admin_->Add({{"kind", "dossier"}, {"id", "dos-secret"}, {"title", "Case"}}).ok());
    ASSERT_TRUE(
        admin_->CreateAccount("ana", protect::Role::kAnalyst, false, "password of ana").ok());
    Result<std::string> token = admin_->CreateToken("api test");
    ASSERT_TRUE(token.ok());
    admin_token_ = *token;
    auto analyst = OpenAs(dir_ / "r", options_, "ana", "password of ana");
    ASSERT_TRUE(analyst.ok());
    analyst_token_ = *(*analyst)->CreateToken("api test");

    std::filesystem::create_directories(dir_ / "web");
    std::ofstream(dir_ / "web/index.html") << "<!doctype html><title>Custodian</title>";
    std::ofstream(dir_ / "outside.txt") << "not for the web";
    StartServer({});
  }

  void StartServer(ServeOptions serve) {
    serve.port = 0;
    serve.threads = 8;
    serve.handles = 2;
    serve.static_dir = dir_ / "web";
    auto server = Server::Create(dir_ / "r", options_, {.key_file_text = TestKeyFileText()}, serve);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    thread_ = std::thread([this] { ASSERT_TRUE(server_->Run().ok()); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    for (int i = 0; i < 200 && !client_->Get("/api/v1/openapi.json"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  int64_t CountRecords() {
    Result<int64_t> n = admin_->Count({});
    return n.ok() ? *n : -1;
  }

  TestEnv env_;
  TempDir dir_;
  repo::Options options_;
  std::unique_ptr<repo::Repository> admin_;
  std::string admin_token_, analyst_token_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ApiTest, OpenApiDescribesExactlyTheRoutesAndNothingAnswersWithoutAnAccount) {
  Json doc = Parse(client_->Get("/api/v1/openapi.json"));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  size_t operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    std::string concrete = path;
    for (size_t at; (at = concrete.find('{')) != std::string::npos;) {
      concrete.replace(at, concrete.find('}') - at + 1, "1");
    }
    for (const auto& [method, op] : methods.items()) {
      ++operations;
      const bool open = op.contains("security") && op["security"].empty();
      httplib::Result r = method == "get"     ? client_->Get(concrete)
                          : method == "post"  ? client_->Post(concrete, "{}", "application/json")
                          : method == "patch" ? client_->Patch(concrete, "{}", "application/json")
                                              : client_->Delete(concrete);
      ASSERT_TRUE(r) << method << " " << path;
      // Documented means routed: never the router's "no such route".
      Json body = Parse(r);
      const std::string message =
          body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
      EXPECT_NE(message.rfind("no such route", 0), 0u) << method << " " << path;
      if (!open) {
        EXPECT_EQ(r->status, 401) << method << " " << path;
      }
      // Every answer is JSON, errors included.
      EXPECT_NE(r->get_header_value("Content-Type").find("application/json"), std::string::npos);
    }
  }
  EXPECT_GE(operations, 18u);
  httplib::Result unknown = client_->Get("/api/v1/nothing-here", Bearer(admin_token_));
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(ErrorCode(unknown), "not_found");
}

TEST_F(ApiTest, SessionsNeedTheirCsrfTokenAndLogoutEndsThem) {
  httplib::Result wrong = client_->Post(
      "/api/v1/session", R"({"account":"admin","password":"nope"})", "application/json");
  EXPECT_EQ(wrong->status, 401);
  httplib::Result login = client_->Post(
      "/api/v1/session", Json({{"account", "admin"}, {"password", testing::kAdminPassword}}).dump(),
      "application/json");
  ASSERT_EQ(login->status, 201) << login->body;
  const std::string set_cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = Parse(login)["csrf_token"];
  ASSERT_FALSE(csrf.empty());

  httplib::Headers session = {{"Cookie", cookie}};
  Json me = Parse(client_->Get("/api/v1/session", session));
  EXPECT_EQ(me["account"], "admin");
  EXPECT_EQ(me["csrf_token"], csrf);  // a reloaded page can go on writing
  const std::string place = R"({"kind":"place","type":"county","names":["Testville"]})";
  const int64_t before = CountRecords();
  httplib::Result forged = client_->Post("/api/v1/records", session, place, "application/json");
  EXPECT_EQ(forged->status, 403);
  EXPECT_EQ(ErrorCode(forged), "csrf");
  session.emplace("X-CSRF-Token", "not-the-token");
  EXPECT_EQ(client_->Post("/api/v1/records", session, place, "application/json")->status, 403);
  EXPECT_EQ(CountRecords(), before);
  session.erase("X-CSRF-Token");
  session.emplace("X-CSRF-Token", csrf);
  httplib::Result created = client_->Post("/api/v1/records", session, place, "application/json");
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(CountRecords(), before + 1);

  EXPECT_EQ(client_->Delete("/api/v1/session", {{"Cookie", cookie}})->status, 403);
  EXPECT_EQ(client_->Delete("/api/v1/session", session)->status, 200);
  EXPECT_EQ(client_->Get("/api/v1/session", session)->status, 401);
  EXPECT_EQ(client_->Get("/api/v1/records", {{"Cookie", "custodian_session=forged"}})->status, 401);
  EXPECT_EQ(client_->Get("/api/v1/records", Bearer("cst_forged"))->status, 401);
}

TEST_F(ApiTest, FailedLoginsAreLimited) {
  const std::string bad = R"({"account":"ana","password":"guess"})";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(client_->Post("/api/v1/session", bad, "application/json")->status, 401);
  }
  httplib::Result limited = client_->Post("/api/v1/session", bad, "application/json");
  EXPECT_EQ(limited->status, 429);
  EXPECT_FALSE(limited->get_header_value("Retry-After").empty());
  // Even the right password waits: the limit is on the account, not on wrong guesses only.
  EXPECT_EQ(client_
                ->Post("/api/v1/session", R"({"account":"ana","password":"password of ana"})",
                       "application/json")
                ->status,
            429);
  for (const char* body :
       {"", "{", "[]", R"({"account":"ana"})", R"({"account":"ana","password":"x","extra":1})",
        R"({"account":1,"password":"x"})"}) {
    httplib::Result r = client_->Post("/api/v1/session", body, "application/json");
    EXPECT_EQ(r->status, 400) << body;
  }
}

TEST_F(ApiTest, RecordsThroughTheApiKeepThePermissionsAndRefuseBadInput) {
  auto admin = Bearer(admin_token_);
  auto analyst = Bearer(analyst_token_);
  httplib::Result person = client_->Get("/api/v1/records/per-w", analyst);
  ASSERT_EQ(person->status, 200);
  EXPECT_EQ(person->body.find("홍길순"), std::string::npos);  // sealed
  EXPECT_FALSE(Parse(person)["pseudonym"].get<std::string>().empty());
  EXPECT_EQ(client_->Get("/api/v1/records/dos-secret", analyst)->status, 403);
  EXPECT_EQ(client_->Get("/api/v1/records/per-nobody", analyst)->status, 404);
  const int64_t before = CountRecords();
  EXPECT_EQ(client_
                ->Post("/api/v1/records", analyst,
                       R"({"kind":"place","type":"county","names":["X"]})", "application/json")
                ->status,
            403);
  EXPECT_EQ(client_
                ->Post("/api/v1/records/per-w/reveal", analyst, R"({"purpose":"curious"})",
                       "application/json")
                ->status,
            403);

  // Hostile and malformed bodies: a clear 4xx, nothing written.
  const std::vector<std::pair<std::string, int>> bad = {
      {"", 400},
      {"{\"kind\":", 400},
      {"[1,2]", 400},
      {R"({"kind":"place","type":"county","names":["X"],"unknown":1})", 400},
      {R"({"kind":"act","violation":"not-a-term","victim":"per-w"})", 400},
      {R"({"kind":"act","violation":"torture","victim":"per-nobody"})", 400},
      {std::string(17 << 20, ' '), 413}};
  for (const auto& [body, status] : bad) {
    httplib::Result r = client_->Post("/api/v1/records", admin, body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << body.substr(0, 60);
    EXPECT_FALSE(ErrorCode(r).empty());
  }
  for (const char* body : {R"({"changes":{"sex":"male"}})", R"({"changes":[],"reason":"r"})",
                           R"({"changes":{"sex":"male"},"reason":"r","extra":true})"}) {
    EXPECT_EQ(client_->Patch("/api/v1/records/per-w", admin, body, "application/json")->status, 400)
        << body;
  }
  EXPECT_EQ(client_->Get("/api/v1/records?limit=0", admin)->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/records?limit=ten", admin)->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/records?kind=spaceship", admin)->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/search?q=%22open", admin)->status, 400);
  EXPECT_EQ(CountRecords(), before);

  httplib::Result amended =
      client_->Patch("/api/v1/records/per-w", admin,
                     R"({"changes":{"sex":"male"},"reason":"typo"})", "application/json");
  ASSERT_EQ(amended->status, 200) << amended->body;
  EXPECT_EQ(Parse(amended)["version"], 2);
  EXPECT_EQ(Parse(client_->Get("/api/v1/records/per-w/history", admin))["versions"].size(), 2u);
  httplib::Result revealed = client_->Post("/api/v1/records/per-w/reveal", admin,
                                           R"({"purpose":"API test"})", "application/json");
  ASSERT_EQ(revealed->status, 200);
  EXPECT_NE(revealed->body.find("홍길순"), std::string::npos);
  Json audit = Parse(client_->Get("/api/v1/audit?record=per-w", admin));
  ASSERT_EQ(audit["events"].size(), 1u);
  EXPECT_EQ(audit["events"][0]["purpose"], "API test");
  EXPECT_FALSE(audit.contains("next"));
  ASSERT_EQ(client_
                ->Post("/api/v1/records/per-w/reveal", admin, R"({"purpose":"second reading"})",
                       "application/json")
                ->status,
            200);
  Json newest = Parse(client_->Get("/api/v1/audit?record=per-w&limit=1", admin));
  ASSERT_EQ(newest["events"].size(), 1u);
  EXPECT_EQ(newest["events"][0]["purpose"], "second reading");
  ASSERT_TRUE(newest.contains("next"));
  Json older = Parse(
      client_->Get("/api/v1/audit?record=per-w&limit=1&before=" + newest["next"].dump(), admin));
  ASSERT_EQ(older["events"].size(), 1u);
  EXPECT_EQ(older["events"][0]["purpose"], "API test");
  EXPECT_FALSE(older.contains("next"));
  EXPECT_EQ(client_->Get("/api/v1/audit?before=-1", admin)->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/audit?before=soon", admin)->status, 400);
  EXPECT_EQ(Parse(client_->Get("/api/v1/records?kind=person", admin))["total"], 1);
  Json found = Parse(client_->Get("/api/v1/search?q=Case&kind=dossier", admin));
  ASSERT_EQ(found["hits"].size(), 1u) << found.dump();
  EXPECT_EQ(found["hits"][0]["title"], "Case");
  EXPECT_EQ(found["facets"]["kind"][0]["label"], "dossier");
  EXPECT_EQ(client_->Post("/api/v1/checkpoints", admin, "", "application/json")->status, 201);
  // The schema clients build forms from is the one the server validates with: a field it
  // calls required is refused when missing, a sealed one is sealed.
  Json schema = Parse(client_->Get("/api/v1/schema", analyst));
  ASSERT_TRUE(schema["kinds"].is_object()) << schema.dump().substr(0, 200);
  EXPECT_EQ(schema["kinds"].size(), model::AllKinds().size());
  auto field = [&](const std::string& kind, const std::string& name) {
    for (const Json& f : schema["kinds"][kind]["fields"]) {
      if (f["name"] == name) return f;
    }
    return Json();
  };
  EXPECT_EQ(field("act", "violation")["vocabulary"], "violation_types");
  EXPECT_EQ(field("act", "victim")["kinds"], Json::array({"person"}));
  EXPECT_TRUE(field("person", "names").value("sealed", false));
  EXPECT_FALSE(field("person", "public_names").value("sealed", false));
  EXPECT_TRUE(field("claim", "sources").value("required", false));
  EXPECT_EQ(field("place", "lat")["max"], 90);
  EXPECT_EQ(client_
                ->Post("/api/v1/records", admin,
                       R"({"kind":"claim","subject":"per-w","statement":"s"})", "application/json")
                ->status,
            400);
  EXPECT_EQ(Parse(client_->Get("/api/v1/vocabularies/violation_types", admin))["name"],
            "violation_types");
}

// What the CLI does for accounts, grants, tokens, erasure, export and import, the API does,
// with the same permissions, and bad input changes nothing.
TEST_F(ApiTest, AccountsTokensErasureExportAndImportThroughTheApi) {
  auto admin = Bearer(admin_token_);
  auto analyst = Bearer(analyst_token_);
  auto post = [&](const std::string& path, const httplib::Headers& who, const std::string& body) {
    return client_->Post(path, who, body, "application/json");
  };
  Json own = Parse(client_->Get("/api/v1/accounts", analyst));  // only their own
  ASSERT_EQ(own["accounts"].size(), 1u) << own.dump();
  EXPECT_EQ(own["accounts"][0]["name"], "ana");
  const std::string inv = R"({"name":"inv2","role":"investigator","password":"a long password 2"})";
  EXPECT_EQ(post("/api/v1/accounts", analyst, inv)->status, 403);
  for (const char* bad :
       {R"({"name":"x1","role":"emperor","password":"a long password 2"})",
        R"({"name":"x2","role":"analyst","password":"short"})", R"({"name":"x3","role":"analyst"})",
        R"({"name":"x4","role":"analyst","password":"a long password 2","shoe":1})",
        R"({"name":"x5","role":"analyst","password":"a long password 2","clearance":"yes"})"}) {
    httplib::Result r = post("/api/v1/accounts", admin, bad);
    EXPECT_EQ(r->status, 400) << bad << " " << r->body;
    EXPECT_FALSE(ErrorCode(r).empty());
  }
  httplib::Result made = post("/api/v1/accounts", admin, inv);
  ASSERT_EQ(made->status, 201) << made->body;
  EXPECT_EQ(Parse(made)["role"], "investigator");
  EXPECT_EQ(post("/api/v1/accounts", admin, inv)->status, 409);
  Json accounts = Parse(client_->Get("/api/v1/accounts", admin));
  EXPECT_EQ(accounts["accounts"].size(), 3u);  // admin, ana, inv2

  EXPECT_EQ(client_->Patch("/api/v1/accounts/inv2", admin, "{}", "application/json")->status, 400);
  EXPECT_EQ(
      client_->Patch("/api/v1/accounts/inv2", admin, R"({"disabled":"no"})", "application/json")
          ->status,
      400);
  EXPECT_EQ(
      client_->Patch("/api/v1/accounts/inv2", analyst, R"({"clearance":true})", "application/json")
          ->status,
      403);
  httplib::Result cleared =
      client_->Patch("/api/v1/accounts/inv2", admin, R"({"clearance":true})", "application/json");
  ASSERT_EQ(cleared->status, 200) << cleared->body;
  EXPECT_EQ(Parse(cleared)["clearance"], true);
  EXPECT_EQ(post("/api/v1/accounts/inv2/grants", admin, R"({"dossier":"dos-nope","granted":true})")
                ->status,
            400);
  for (const char* bad : {R"({"dossier":"dos-secret"})", R"({"dossier":"dos-secret","granted":1})",
                          R"({"granted":true})"}) {
    httplib::Result r = post("/api/v1/accounts/inv2/grants", admin, bad);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_FALSE(ErrorCode(r).empty()) << bad;
  }
  httplib::Result granted =
      post("/api/v1/accounts/inv2/grants", admin, R"({"dossier":"dos-secret","granted":true})");
  ASSERT_EQ(granted->status, 200) << granted->body;
  EXPECT_EQ(Parse(granted)["dossiers"], Json::array({"dos-secret"}));
  EXPECT_EQ(post("/api/v1/accounts/inv2/password", analyst, R"({"password":"taken over by ana"})")
                ->status,
            403);
  ASSERT_EQ(post("/api/v1/accounts/inv2/password", admin, R"({"password":"a new long password"})")
                ->status,
            200);
  EXPECT_EQ(client_
                ->Post("/api/v1/session", R"({"account":"inv2","password":"a new long password"})",
                       "application/json")
                ->status,
            201);

  // Tokens: made, listed, used, revoked.
  EXPECT_EQ(post("/api/v1/tokens", analyst, R"({"label":"t","days":0})")->status, 400);
  EXPECT_EQ(post("/api/v1/tokens", analyst, R"({"label":"t","days":"7"})")->status, 400);
  httplib::Result token = post("/api/v1/tokens", analyst, R"({"label":"weekly","days":7})");
  ASSERT_EQ(token->status, 201) << token->body;
  const std::string weekly = Parse(token)["token"];
  EXPECT_EQ(client_->Get("/api/v1/stats", Bearer(weekly))->status, 200);
  Json listed = Parse(client_->Get("/api/v1/tokens", analyst));
  std::string prefix;
  for (const Json& t : listed["tokens"]) {
    EXPECT_EQ(weekly.find(t["digest_prefix"].get<std::string>()), std::string::npos);
    if (t["label"] == "weekly") prefix = t["digest_prefix"];
  }
  ASSERT_EQ(prefix.size(), 12u);
  EXPECT_EQ(client_->Get("/api/v1/tokens?account=admin", analyst)->status, 403);
  EXPECT_EQ(client_->Delete("/api/v1/tokens/abc", analyst)->status, 400);
  EXPECT_EQ(client_->Delete("/api/v1/tokens/zzzzzz", analyst)->status, 400);
  EXPECT_EQ(Parse(client_->Delete("/api/v1/tokens/" + prefix, analyst))["revoked"], 1);
  EXPECT_EQ(client_->Get("/api/v1/stats", Bearer(weekly))->status, 401);
  EXPECT_EQ(client_->Delete("/api/v1/tokens/" + prefix, analyst)->status, 404);

  // Export: pseudonyms for the analyst's profile; identities only with a purpose, for admins.
  httplib::Result exported = post("/api/v1/export", analyst, R"({"profile":"analyst"})");
  ASSERT_EQ(exported->status, 200) << exported->body;
  EXPECT_EQ(exported->get_header_value("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(exported->body.find("홍길순"), std::string::npos);
  std::istringstream lines(exported->body);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    EXPECT_FALSE(Json::parse(line, nullptr, false).is_discarded()) << line;
  }
  EXPECT_GE(n, 1);
  EXPECT_EQ(post("/api/v1/export", analyst, R"({"profile":"full","purpose":"p"})")->status, 403);
  EXPECT_EQ(post("/api/v1/export", admin, R"({"profile":"full"})")->status, 400);
  EXPECT_EQ(post("/api/v1/export", admin, R"({"profile":"everything"})")->status, 400);
  httplib::Result full = post("/api/v1/export", admin, R"({"profile":"full","purpose":"backup"})");
  ASSERT_EQ(full->status, 200);
  EXPECT_NE(full->body.find("홍길순"), std::string::npos);

  // Import: all or nothing, or the good lines with skip_bad.
  const int64_t before = CountRecords();
  const std::string good = R"({"kind":"person","id":"per-imp1","sex":"male"})";
  const std::string bad = R"({"kind":"act","violation":"torture","victim":"per-nobody"})";
  auto import = [&](const std::string& query, const httplib::Headers& who, const std::string& b) {
    return client_->Post("/api/v1/import" + query, who, b, "application/x-ndjson");
  };
  EXPECT_EQ(import("", analyst, good + "\n")->status, 403);
  httplib::Result refused = import("", admin, good + "\n" + bad + "\n");
  ASSERT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(Parse(refused)["errors"][0]["line"], 2);
  EXPECT_EQ(ErrorCode(refused), "invalid_argument");
  EXPECT_EQ(import("", admin, "")->status, 400);
  EXPECT_EQ(import("?skip_bad=perhaps", admin, good)->status, 400);
  EXPECT_EQ(CountRecords(), before);
  httplib::Result skipped = import("?skip_bad=true", admin, good + "\n" + bad + "\n");
  ASSERT_EQ(skipped->status, 200) << skipped->body;
  EXPECT_EQ(Parse(skipped)["created"], 1);
  EXPECT_EQ(Parse(skipped)["rejected"], 1);
  EXPECT_EQ(CountRecords(), before + 1);

  // Erasure: admins only; afterwards the identity cannot be revealed.
  EXPECT_EQ(post("/api/v1/records/per-w/erase", analyst, R"({"reason":"asked"})")->status, 403);
  EXPECT_EQ(post("/api/v1/records/per-w/erase", admin, "{}")->status, 400);
  httplib::Result erased =
      post("/api/v1/records/per-w/erase", admin, R"({"reason":"the witness asked"})");
  ASSERT_EQ(erased->status, 200) << erased->body;
  EXPECT_GT(Parse(erased)["erased_by"].get<int64_t>(), 0);
  httplib::Result reveal = post("/api/v1/records/per-w/reveal", admin, R"({"purpose":"check"})");
  EXPECT_EQ(reveal->body.find("홍길순"), std::string::npos);
  EXPECT_EQ(post("/api/v1/records/per-w/erase", admin, R"({"reason":"again"})")->status, 409);
}

// API tokens expire: one made for a day works today and is refused, with 401 and a JSON error
// that says so, two days later; a token cannot be made for 0 days or for more than a year.
TEST_F(ApiTest, TokensExpire) {
  Result<std::string> day = admin_->CreateToken("one day", 1);
  ASSERT_TRUE(day.ok()) << day.status().ToString();
  EXPECT_EQ(client_->Get("/api/v1/stats", Bearer(*day))->status, 200);
  EXPECT_EQ(admin_->CreateToken("never", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->CreateToken("too long", 367).status().code(), StatusCode::kInvalidArgument);
  Result<std::vector<repo::Repository::TokenInfo>> tokens =
      admin_->Tokens(custodian::testing::kAdmin);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);  // the fixture's and this one
  for (const auto& t : *tokens) EXPECT_GT(t.expires, t.created);

  env_.Advance(int64_t{2} * 86400 * 1000000);
  httplib::Result expired = client_->Get("/api/v1/stats", Bearer(*day));
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 401);
  EXPECT_EQ(ErrorCode(expired), "unauthenticated");
  EXPECT_NE(expired->body.find("expired"), std::string::npos) << expired->body;
  // The 90-day token of the fixture still works.
  EXPECT_EQ(client_->Get("/api/v1/stats", Bearer(admin_token_))->status, 200);
}

// Keyset pages: following `next` visits every matching record once, in id order, each page as
// cheap as the first; `after` with `offset`, or an `after` longer than any id, is refused.
TEST_F(ApiTest, ListPagesFollowNextThroughEveryRecord) {
  auto admin = Bearer(admin_token_);
  std::vector<std::string> made;
  for (int i = 0; i < 7; ++i) {
    Result<repo::Record> added =
        admin_->Add({{"kind", "person"}, {"names", {"사람 " + std::to_string(i)}}});
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    made.push_back(added->id);
  }
  made.push_back("per-w");
  std::sort(made.begin(), made.end());

  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    std::string path = "/api/v1/records?kind=person&limit=3";
    if (!next.empty()) path += "&after=" + next;
    Json page = Parse(client_->Get(path, admin));
    ASSERT_TRUE(page.contains("records")) << page.dump();
    EXPECT_EQ(page["total"], 8);
    for (const Json& r : page["records"]) seen.push_back(r["record"]["id"].get<std::string>());
    next = page.value("next", "");
    if (!next.empty()) {
      EXPECT_EQ(next, seen.back());
    }
    ASSERT_LT(++pages, 10);
  } while (!next.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, made);

  Json last = Parse(client_->Get("/api/v1/records?kind=person&limit=8", admin));
  EXPECT_EQ(last["records"].size(), 8u);
  EXPECT_FALSE(last.contains("next"));  // a full page with nothing after it
  EXPECT_EQ(client_->Get("/api/v1/records?kind=person&after=per-a&offset=2", admin)->status, 400);

  // A reader who may not see a dossier walks past it: pages hold only what they may see, the
  // total counts only that, and `next` leads through everything else.
  ASSERT_TRUE(admin_->Add({{"kind", "dossier"}, {"id", "dos-zzz"}, {"title", "Other"}}).ok());
  for (const std::string& kind : {std::string(), std::string("dossier")}) {
    std::vector<std::string> walked;
    std::string cursor;
    int64_t total = -1;
    for (int guard = 0; guard < 50; ++guard) {
      std::string path = "/api/v1/records?limit=1" + (kind.empty() ? "" : "&kind=" + kind);
      if (!cursor.empty()) path += "&after=" + cursor;
      Json page = Parse(client_->Get(path, Bearer(analyst_token_)));
      total = page["total"];
      for (const Json& r : page["records"]) walked.push_back(r["record"]["id"]);
      cursor = page.value("next", "");
      if (cursor.empty()) break;
    }
    EXPECT_EQ(static_cast<int64_t>(walked.size()), total) << kind;
    EXPECT_EQ(std::count(walked.begin(), walked.end(), "dos-secret"), 0);
    EXPECT_EQ(std::count(walked.begin(), walked.end(), "dos-zzz"), 0);
    EXPECT_EQ(kind.empty() ? 8 : 0, total) << kind;  // 8 persons; no dossier
  }
  httplib::Result long_after =
      client_->Get("/api/v1/records?after=" + std::string(500, 'a'), admin);
  EXPECT_EQ(long_after->status, 400);
  EXPECT_FALSE(ErrorCode(long_after).empty());
}

TEST_F(ApiTest, ProofsFromTheApiVerifyAgainstTheVerifierKey) {
  auto admin = Bearer(admin_token_);
  ASSERT_EQ(client_->Post("/api/v1/checkpoints", admin, "", "application/json")->status, 201);
  Json ledger = Parse(client_->Get("/api/v1/ledger?from=0&limit=5", admin));
  ASSERT_EQ(ledger["entries"].size(), 5u);
  Json proof = Parse(client_->Get("/api/v1/ledger/3/proof", admin));
  ASSERT_TRUE(proof.contains("verifier_key")) << proof.dump();
  Result<ledger::NoteVerifier> verifier =
      ledger::NoteVerifier::Parse(proof["verifier_key"].get<std::string>());
  ASSERT_TRUE(verifier.ok());
  Result<ledger::InclusionProofDoc> doc = ledger::InclusionProofFromJson(proof);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_TRUE(ledger::VerifyInclusionDoc(*doc, *verifier).ok());
  httplib::Result beyond = client_->Get("/api/v1/ledger/99999/proof", admin);
  EXPECT_EQ(beyond->status, 409);  // not in any checkpoint (yet)
  EXPECT_NE(beyond->body.find("not in checkpoint"), std::string::npos);
  EXPECT_EQ(client_->Get("/api/v1/ledger/3x/proof", admin)->status, 400);
}

TEST_F(ApiTest, LinkageRunsReviewsAndRefusesBadInput) {
  for (const Json& person :
       {Json{{"kind", "person"}, {"id", "per-x"}, {"names", {"Hong Kil-sun"}}, {"sex", "female"}},
        Json{{"kind", "person"}, {"id", "per-y"}, {"names", {"김영호"}}, {"born", "1980"}},
        Json{{"kind", "person"}, {"id", "per-z"}, {"names", {"Kim Yong-ho"}}, {"born", "1980"}}}) {
    ASSERT_TRUE(admin_->Add(person).ok());
  }
  auto admin = Bearer(admin_token_);
  auto analyst = Bearer(analyst_token_);
  EXPECT_EQ(client_->Post("/api/v1/link/run", analyst, R"({"purpose":"count"})", "application/json")
                ->status,
            403);
  EXPECT_EQ(
      client_->Post("/api/v1/link/run", admin, R"({"purpose":""})", "application/json")->status,
      400);
  EXPECT_EQ(
      client_->Post("/api/v1/link/run", admin, R"({"purpose":"x","speed":9})", "application/json")
          ->status,
      400);
  httplib::Result run = client_->Post("/api/v1/link/run", admin, R"({"purpose":"count victims"})",
                                      "application/json");
  ASSERT_EQ(run->status, 201) << run->body;
  EXPECT_EQ(Parse(run)["persons"], 4);
  EXPECT_EQ(Parse(run)["clusters"], 1);  // 김영호 = Kim Yong-ho
  EXPECT_EQ(run->body.find("Hong"), std::string::npos);

  Json pairs = Parse(client_->Get("/api/v1/link/pairs?undecided=true&order=uncertainty", analyst));
  ASSERT_TRUE(pairs.contains("pairs")) << pairs.dump();
  EXPECT_EQ(client_->Get("/api/v1/link/pairs?min=2", admin)->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/link/pairs?order=random", admin)->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/link/clusters?limit=0", admin)->status, 400);

  const std::string decision = R"({"a":"per-w","b":"per-x","decision":"same","reason":"photo"})";
  EXPECT_EQ(client_->Post("/api/v1/link/decisions", analyst, decision, "application/json")->status,
            403);
  for (const char* bad : {R"({"a":"per-w","b":"per-x","decision":"maybe","reason":"r"})",
                          R"({"a":"per-w","b":"per-w","decision":"same","reason":"r"})",
                          R"({"a":"per-w","b":"dos-secret","decision":"same","reason":"r"})",
                          R"({"a":"per-w","decision":"same","reason":"r"})", R"([1,2])", "{"}) {
    httplib::Result r = client_->Post("/api/v1/link/decisions", admin, bad, "application/json");
    EXPECT_EQ(r->status, 400) << bad << " " << r->body;
  }
  httplib::Result decided =
      client_->Post("/api/v1/link/decisions", admin, decision, "application/json");
  ASSERT_EQ(decided->status, 201) << decided->body;
  EXPECT_EQ(client_->Post("/api/v1/link/decisions", admin, decision, "application/json")->status,
            409);
  Json cluster = Parse(client_->Get("/api/v1/link/clusters?record=per-x", analyst));
  ASSERT_EQ(cluster["clusters"].size(), 1u) << cluster.dump();
  EXPECT_EQ(cluster["clusters"][0]["records"], Json::array({"per-w", "per-x"}));
  const std::string seq = std::to_string(Parse(decided)["seq"].get<uint64_t>());
  EXPECT_EQ(
      client_
          ->Post("/api/v1/link/decisions/x1/revoke", admin, R"({"reason":"r"})", "application/json")
          ->status,
      400);
  EXPECT_EQ(
      client_->Post("/api/v1/link/decisions/" + seq + "/revoke", admin, R"({})", "application/json")
          ->status,
      400);
  httplib::Result revoked = client_->Post("/api/v1/link/decisions/" + seq + "/revoke", admin,
                                          R"({"reason":"wrong photo"})", "application/json");
  ASSERT_EQ(revoked->status, 201) << revoked->body;
  Json all = Parse(client_->Get("/api/v1/link/decisions?all=true", analyst));
  ASSERT_EQ(all["decisions"].size(), 1u);
  EXPECT_TRUE(all["decisions"][0].contains("revoked_by"));
  EXPECT_TRUE(Parse(client_->Get("/api/v1/link/model", analyst))["model"].is_object());
}

// Over TLS: a client that trusts the certificate is served and its session cookie is Secure;
// a client that does not trust it, and plain HTTP on the TLS port, get nothing. A missing or
// broken certificate or key is refused when the server is made, not at the first request.
TEST_F(ApiTest, ServesOverTlsWithSecureCookies) {
  const std::string cert = dir_ / "cert.pem", key = dir_ / "key.pem", junk = dir_ / "junk.pem";
  WriteSelfSignedCertificate(cert, key);
  std::ofstream(junk) << "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  const protect::Unlocker unlock{.key_file_text = TestKeyFileText()};
  for (const auto& [c, k] : std::vector<std::pair<std::string, std::string>>{
           {cert, ""}, {junk, key}, {cert, junk}, {key, cert}, {dir_ / "missing.pem", key}}) {
    ServeOptions bad{.port = 0, .tls_cert = c, .tls_key = k};
    EXPECT_EQ(Server::Create(dir_ / "r", options_, unlock, bad).status().code(),
              StatusCode::kInvalidArgument)
        << c << " " << k;
  }

  auto server =
      Server::Create(dir_ / "r", options_, unlock,
                     {.port = 0, .tls_cert = cert, .tls_key = key, .threads = 4, .handles = 1});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::thread serving([&] { EXPECT_TRUE((*server)->Run().ok()); });
  const int port = (*server)->port();
  httplib::SSLClient tls("127.0.0.1", port);
  tls.set_ca_cert_path(cert.c_str());
  tls.enable_server_certificate_verification(true);
  httplib::Result spec = tls.Get("/api/v1/openapi.json");
  for (int i = 0; i < 200 && !spec; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    spec = tls.Get("/api/v1/openapi.json");
  }
  ASSERT_TRUE(spec) << httplib::to_string(spec.error());
  EXPECT_EQ(spec->status, 200);
  httplib::Result login = tls.Post("/api/v1/session",
                                   Json({{"account", custodian::testing::kAdmin},
                                         {"password", custodian::testing::kAdminPassword}})
                                       .dump(),
                                   "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 201) << login->body;
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_EQ(tls.Get("/api/v1/stats", Bearer(admin_token_))->status, 200);

  httplib::SSLClient untrusting("127.0.0.1", port);
  untrusting.set_ca_cert_path(key.c_str());  // trusts nothing: not a certificate
  untrusting.enable_server_certificate_verification(true);
  EXPECT_FALSE(untrusting.Get("/api/v1/openapi.json"));
  httplib::Client plain("127.0.0.1", port);
  plain.set_read_timeout(std::chrono::seconds(2));
  httplib::Result cleartext = plain.Get("/api/v1/openapi.json");
  EXPECT_TRUE(!cleartext || cleartext->status != 200);

  (*server)->Stop();
  serving.join();
}

TEST_F(ApiTest, StaticFilesStayInsideTheWebDirectory) {
  httplib::Result index = client_->Get("/index.html");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  for (const char* path :
       {"/../outside.txt", "/%2e%2e/outside.txt", "/..%2foutside.txt", "/web/../../outside.txt"}) {
    httplib::Result r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->status, 200) << path;
    EXPECT_EQ(r->body.find("not for the web"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace custodian::api
