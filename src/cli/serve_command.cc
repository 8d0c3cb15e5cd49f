// custodian serve: the HTTP API (and the web app's files) over a repository, until SIGINT or
// SIGTERM, which let requests in progress finish.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "api/api.h"
#include "cli/cli.h"

namespace custodian::cli {

void RegisterServe(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "serve", "Serve the HTTP API (/api/v1/, described at /api/v1/openapi.json) and the web app");
  auto o = std::make_shared<api::ServeOptions>();
  cmd->add_option("--bind", o->bind, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", o->port, "Port (default 8080; 0 for any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate: serve HTTPS (with --tls-key)");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert");
  cmd->add_option("--threads", o->threads, "Connections served at once (default 64)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--handles", o->handles,
                  "Repository handles for requests running at once (default 8)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--web", o->static_dir, "The built web app to serve at / (web/dist)");
  cmd->callback([&g, &run, o] {
    run = [&g, o]() -> Status {
      // Whoever holds the key file or passphrase may serve; each request signs in itself.
      ASSIGN_OR_RETURN(protect::Unlocker unlock, Unlocker(g, /*prompt=*/true));
      if (unlock.empty()) {
        std::cerr << "custodian: warning: serving without the repository key: sealing, "
                     "revealing and searching sealed names are refused\n";
      }
      // Signals are taken by one thread, so that no worker is interrupted mid-request.
      sigset_t stop_signals;
      sigemptyset(&stop_signals);
      sigaddset(&stop_signals, SIGINT);
      sigaddset(&stop_signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
      ASSIGN_OR_RETURN(std::unique_ptr<api::Server> server,
                       api::Server::Create(RepoDir(g), repo::Options{}, unlock, *o));
      const bool tls = !o->tls_cert.empty();
      std::cout << "custodian: serving " << RepoDir(g) << " at " << (tls ? "https" : "http")
                << "://" << o->bind << ":" << server->port() << "/ (API: /api/v1/openapi.json)"
                << std::endl;
      std::thread waiter([&server, stop_signals] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        server->Stop();
      });
      Status served = server->Run();
      // Run also ends on its own (an error): wake the waiter so it can be joined.
      pthread_kill(waiter.native_handle(), SIGTERM);
      waiter.join();
      std::cout << "custodian: stopped" << std::endl;
      return served;
    };
  });
}

}  // namespace custodian::cli
