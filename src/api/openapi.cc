// The OpenAPI 3.0 description, generated from the route table so that it describes exactly
// what the server routes.
#include "api/api.h"
#include "api/internal.h"

namespace custodian::api {
namespace {

using internal::Param;
using internal::Route;
using repo::Json;

Json ErrorResponse(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

Json JsonResponse(const std::string& description,
                  const std::string& media_type = "application/json") {
  Json schema =
      media_type == "application/json" ? Json{{"type", "object"}} : Json{{"type", "string"}};
  return {{"description", description}, {"content", {{media_type, {{"schema", schema}}}}}};
}

Json Operation(const std::string& summary, const std::string& path, const std::vector<Param>& query,
               const std::string& body, int success, bool authenticated,
               const std::string& body_type = "application/json",
               const std::string& response_type = "application/json") {
  Json parameters = Json::array();
  // {name} segments of the path
  for (size_t at = path.find('{'); at != std::string::npos; at = path.find('{', at + 1)) {
    const std::string name = path.substr(at + 1, path.find('}', at) - at - 1);
    parameters.push_back(
        {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  for (const Param& p : query) {
    parameters.push_back({{"name", p.name},
                          {"in", "query"},
                          {"required", p.required},
                          {"description", p.description},
                          {"schema", {{"type", p.type}}}});
  }
  Json op = {{"summary", summary},
             {"responses",
              {{std::to_string(success), JsonResponse("Success", response_type)},
               {"400", ErrorResponse("Bad input: malformed JSON, wrong types, unknown fields")},
               {"401", ErrorResponse("No valid session or token")},
               {"403", ErrorResponse("The account lacks the role, clearance or grant; or a "
                                     "session request without its CSRF token")},
               {"404", ErrorResponse("No such record, entry or route")},
               {"409", ErrorResponse("Conflicts with the repository's state")},
               {"413", ErrorResponse("The request body is too large")}}}};
  if (!parameters.empty()) op["parameters"] = parameters;
  if (!body.empty()) {
    Json schema =
        body_type == "application/json" ? Json{{"type", "object"}} : Json{{"type", "string"}};
    op["requestBody"] = {{"required", true},
                         {"description", body},
                         {"content", {{body_type, {{"schema", schema}}}}}};
  }
  if (!authenticated) op["security"] = Json::array();
  return op;
}

}  // namespace

Json OpenApiDocument() {
  Json paths = Json::object();
  auto add = [&](const std::string& method, const std::string& path, Json op) {
    std::string lower;
    for (char c : method) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[path][lower] = std::move(op);
  };
  for (const Route& route : internal::Routes()) {
    add(route.method, route.path,
        Operation(route.summary, route.path, route.query, route.body, route.success, true,
                  route.body_type, route.response_type));
  }
  // The server's own routes (server.cc).
  Json login =
      Operation("Log in: starts a session (cookie) and returns its CSRF token", "/api/v1/session",
                {}, "{\"account\": \"...\", \"password\": \"...\"}", 201, false);
  login["responses"]["429"] = ErrorResponse("Too many failed logins; see Retry-After");
  add("POST", "/api/v1/session", login);
  add("GET", "/api/v1/session",
      Operation("Who the request acts as: account, role, clearance, dossiers", "/api/v1/session",
                {}, "", 200, true));
  add("DELETE", "/api/v1/session",
      Operation("Log out: ends the session (needs its CSRF token)", "/api/v1/session", {}, "", 200,
                true));
  add("GET", "/api/v1/openapi.json",
      Operation("This description", "/api/v1/openapi.json", {}, "", 200, false));

  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Custodian API"},
        {"version", "1"},
        {"description",
         "A documentation and evidence repository for human rights investigations. Every "
         "request acts as an account, with the permissions of its role (docs/user-guide.md)."}}},
      {"paths", paths},
      {"security", Json::array({{{"bearer", Json::array()}}, {{"session", Json::array()}}})},
      {"components",
       {{"securitySchemes",
         {{"bearer",
           {{"type", "http"}, {"scheme", "bearer"}, {"description", "An API token (cst_...)"}}},
          {"session",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", "custodian_session"},
            {"description",
             "The cookie POST /api/v1/session sets; requests that change something also "
             "send its CSRF token as the X-CSRF-Token header"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"error"}},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", {"code", "message"}},
                {"properties",
                 {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace custodian::api
