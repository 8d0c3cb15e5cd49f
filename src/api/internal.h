// Private to src/api: the route table shared by the server and the OpenAPI generator.
#ifndef CUSTODIAN_API_INTERNAL_H_
#define CUSTODIAN_API_INTERNAL_H_

#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "repo/repo.h"

namespace custodian::api::internal {

using repo::Json;

// One request, authenticated: the repository handle acts as its account.
struct Call {
  const httplib::Request& request;
  httplib::Response& response;
  repo::Repository& repo;
  std::map<std::string, std::string> path;  // {id} -> value
  // Held around every use of the search index: Xapian admits one writer at a time, and the
  // handles of one server must not refuse each other.
  std::mutex& search_index;
  // The session's CSRF token when the request came with the session cookie ("" for a token).
  std::string csrf;
};

struct Param {
  std::string name;
  std::string type;  // "string" or "integer" or "boolean"
  std::string description;
  bool required = false;
};

struct Route {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string path;    // as in OpenAPI: /api/v1/records/{id}
  std::string summary;
  std::vector<Param> query;
  std::string body;  // what the JSON request body is ("" for none)
  int success = 200;
  // Fills call.response (JSON unless response_type says otherwise) or returns the error.
  std::function<Status(Call&)> handler;
  std::string body_type = "application/json";
  std::string response_type = "application/json";
};

// The routes that need an account. (The session routes, which establish one, are the
// server's own and are described in OpenApiDocument by hand.)
const std::vector<Route>& Routes();

// A JSON body: the response's content and type.
void Reply(httplib::Response& response, const Json& body, int status = 200);

}  // namespace custodian::api::internal

#endif  // CUSTODIAN_API_INTERNAL_H_
