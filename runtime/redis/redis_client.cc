#include "runtime/redis/redis_client.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

namespace connaisseur::redis {

StatusOr<std::unique_ptr<RedisClient>> RedisClient::Create(Options options) {
  auto client = std::make_unique<RedisClient>(PassKey{}, std::move(options));
  if (client->options_.tls) {
    client->tls_.reset(SSL_CTX_new(TLS_client_method()));
    if (client->tls_ == nullptr ||
        SSL_CTX_set_min_proto_version(client->tls_.get(), TLS1_2_VERSION) != 1) {
      ERR_clear_error();
      return InternalError("redis: cannot set up the TLS context");
    }
    CN_RETURN_IF_ERROR(client->LoadTrust());
    SSL_CTX_set_verify(client->tls_.get(), SSL_VERIFY_PEER, nullptr);
  }
  return client;
}

Status RedisClient::LoadTrust() {
  SSL_CTX* ctx = tls_.get();
  if (options_.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) == 1) return Status::Ok();
    ERR_clear_error();
    return InternalError("redis: cannot load the system trust store");
  }
  // Partial chains: a pinned server certificate is an anchor of its own.
  if (SSL_CTX_load_verify_locations(ctx, options_.ca_file.c_str(), nullptr) != 1 ||
      X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN) != 1) {
    ERR_clear_error();
    return InternalError("redis: cannot load the trusted certificates from " + options_.ca_file);
  }
  return Status::Ok();
}

StatusOr<Reply> RedisClient::Command(std::span<const std::string> args, Deadline deadline) {
  {
    std::lock_guard lock(mu_);
    if (down_ && Deadline::Clock::now() < retry_at_) {
      return UnavailableError("redis unavailable (retrying shortly)");
    }
  }
  const Deadline bounded = deadline.Min(Deadline::In(options_.call_timeout));
  StatusOr<Reply> reply = [&]() -> StatusOr<Reply> {
    CN_ASSIGN_OR_RETURN(std::unique_ptr<RedisConnection> connection, Acquire(bounded));
    CN_ASSIGN_OR_RETURN(Reply r, connection->Command(args, bounded));
    if (r.type == Reply::Type::kError) {
      return UnavailableError("redis: " + args.front() + " refused: " + r.str);
    }
    Release(std::move(connection));
    return r;
  }();
  if (!reply.ok()) {
    Status failure(StatusCode::kUnavailable, reply.status().message());
    Record(failure);
    return failure;
  }
  Record(Status());
  return reply;
}

StatusOr<std::unique_ptr<RedisConnection>> RedisClient::Acquire(Deadline deadline) {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<RedisConnection> c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  Endpoint endpoint{options_.host, options_.port, tls_.get(), options_.password};
  return RedisConnection::Connect(endpoint, deadline);
}

void RedisClient::Release(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard lock(mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(connection));
}

void RedisClient::Record(const Status& outcome) {
  bool changed = false;
  {
    std::lock_guard lock(mu_);
    if (!outcome.ok()) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      retry_at_ = Deadline::Clock::now() + options_.retry_after;
      idle_.clear();  // they may all be dead; reconnect on the next try
    }
    changed = down_ == outcome.ok();
    down_ = !outcome.ok();
  }
  if (!changed || options_.logger == nullptr) return;
  const nlohmann::json fields = {{"redis", options_.host + ":" + std::to_string(options_.port)}};
  if (outcome.ok()) {
    options_.logger->Info("shared cache reachable again", fields);
  } else {
    nlohmann::json with_reason = fields;
    with_reason["reason"] = outcome.message();
    options_.logger->Warn(
        "shared cache unavailable: using the in-process cache only until it answers", with_reason);
  }
}

}  // namespace connaisseur::redis
