#include "tests/validators/cosign/keyless_fixture.h"

#include <openssl/pem.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/crypto/openssl_error.h"
#include "tests/validators/cosign/test_rekor.h"
#include "validators/cosign/attestations.h"
#include "validators/cosign/certificate_chain.h"
#include "validators/cosign/keyless_identity.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/sct.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/signing_certificate.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign::testing {

namespace {

using crypto::PrivateKey;
using crypto::X509Ptr;

Status OpenSslError(const char* what) { return InternalError(crypto::DrainOpenSslErrors(what)); }

StatusOr<crypto::EvpPkeyPtr> PrivateEvp(const PrivateKey& key) {
  const std::string pem = key.PrivatePem();
  crypto::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  crypto::EvpPkeyPtr evp(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!evp) return OpenSslError("PEM_read_bio_PrivateKey");
  return evp;
}

std::string ToPem(const X509& cert) {
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), &cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Status AddExtension(X509& cert, X509& issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, &issuer, &cert, nullptr, nullptr, 0);
  crypto::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(&cert, ext.get(), -1) != 1) return OpenSslError("X509_add_ext");
  return Status::Ok();
}

Status AddRawExtension(X509& cert, const char* oid, const std::string& contents) {
  crypto::Asn1ObjectPtr object(OBJ_txt2obj(oid, 1));
  crypto::Asn1StringPtr octets(ASN1_OCTET_STRING_new());
  if (!object || !octets ||
      ASN1_OCTET_STRING_set(octets.get(), reinterpret_cast<const unsigned char*>(contents.data()),
                            static_cast<int>(contents.size())) != 1) {
    return OpenSslError("ASN1_OCTET_STRING_set");
  }
  crypto::X509ExtensionPtr ext(
      X509_EXTENSION_create_by_OBJ(nullptr, object.get(), 0, octets.get()));
  if (!ext || X509_add_ext(&cert, ext.get(), -1) != 1) return OpenSslError("X509_add_ext");
  return Status::Ok();
}

std::string Utf8StringDer(const std::string& text) {
  crypto::Asn1StringPtr s(ASN1_UTF8STRING_new());
  ASN1_STRING_set(s.get(), text.data(), static_cast<int>(text.size()));
  return crypto::EncodeDer(i2d_ASN1_UTF8STRING, static_cast<const ASN1_UTF8STRING*>(s.get()));
}

// A certificate for `subject_key` (its public half), issued by `issuer` (null: self-signed) with
// `issuer_key`, valid [not_before, not_before + lifetime]. No extensions yet, not signed.
StatusOr<X509Ptr> NewCertificate(const PrivateKey& subject_key, const std::string& common_name,
                                 int64_t not_before, int64_t lifetime, long serial) {
  X509Ptr cert(X509_new());
  const std::string pub_pem = subject_key.PublicPem();
  crypto::BioPtr bio(BIO_new_mem_buf(pub_pem.data(), static_cast<int>(pub_pem.size())));
  crypto::EvpPkeyPtr pub(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !pub) return OpenSslError("certificate");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(not_before + lifetime));
  if (!common_name.empty()) {
    X509_NAME* name = X509_get_subject_name(cert.get());  // owned by cert
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("sigstore.test"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
  }
  if (X509_set_pubkey(cert.get(), pub.get()) != 1) return OpenSslError("X509_set_pubkey");
  return cert;
}

Status Sign(X509& cert, const PrivateKey& key) {
  CN_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr evp, PrivateEvp(key));
  if (X509_sign(&cert, evp.get(), EVP_sha256()) <= 0) return OpenSslError("X509_sign");
  return Status::Ok();
}

StatusOr<X509Ptr> NewCa(const PrivateKey& key, const std::string& name, X509* issuer,
                        const PrivateKey& issuer_key, long serial) {
  CN_ASSIGN_OR_RETURN(X509Ptr cert,
                      NewCertificate(key, name, kIssuedAt - 86400, 10 * 365 * 86400LL, serial));
  X509* signer = issuer == nullptr ? cert.get() : issuer;
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  CN_RETURN_IF_ERROR(AddExtension(*cert, *signer, NID_basic_constraints, "critical,CA:TRUE"));
  CN_RETURN_IF_ERROR(AddExtension(*cert, *signer, NID_key_usage, "critical,keyCertSign,cRLSign"));
  CN_RETURN_IF_ERROR(AddExtension(*cert, *signer, NID_subject_key_identifier, "hash"));
  CN_RETURN_IF_ERROR(AddExtension(*cert, *signer, NID_authority_key_identifier, "keyid:always"));
  CN_RETURN_IF_ERROR(Sign(*cert, issuer_key));
  return cert;
}

StatusOr<PrivateKey> NewKey() { return PrivateKey::Generate(crypto::KeyType::kEcdsaP256); }

// An SCT (RFC 6962) over `cert`'s precertificate, by `log` (its ID) signed with `signer`.
StatusOr<crypto::SctPtr> MakeSct(X509& cert, X509& issuer, const PrivateKey& log,
                                 const PrivateKey& signer, bool corrupt) {
  auto encode_tbs = [](const X509* x, unsigned char** out) {
    return i2d_re_X509_tbs(const_cast<X509*>(x), out);
  };
  const std::string tbs = crypto::EncodeDer(+encode_tbs, static_cast<const X509*>(&cert));
  const std::string issuer_spki = crypto::EncodeDer(i2d_X509_PUBKEY, X509_get_X509_PUBKEY(&issuer));
  const uint64_t timestamp_ms = static_cast<uint64_t>(kIssuedAt) * 1000 + 437;
  std::string data = PrecertificateSignedData(timestamp_ms, issuer_spki, tbs, "");
  if (corrupt) data[data.size() / 2] ^= 1;
  CN_ASSIGN_OR_RETURN(std::string sig, signer.Sign(data, crypto::SignatureScheme::kEcdsaDer));
  CN_ASSIGN_OR_RETURN(crypto::PublicKey log_pub, log.Public());
  const crypto::Sha256Digest id = crypto::Sha256(log_pub.spki_der());
  crypto::SctPtr sct(SCT_new());
  if (!sct || SCT_set_version(sct.get(), SCT_VERSION_V1) != 1 ||
      SCT_set_log_entry_type(sct.get(), CT_LOG_ENTRY_TYPE_PRECERT) != 1 ||
      SCT_set1_log_id(sct.get(), id.data(), id.size()) != 1 ||
      SCT_set_signature_nid(sct.get(), NID_ecdsa_with_SHA256) != 1 ||
      SCT_set1_signature(sct.get(), reinterpret_cast<const unsigned char*>(sig.data()),
                         sig.size()) != 1) {
    return OpenSslError("SCT");
  }
  SCT_set_timestamp(sct.get(), timestamp_ms);
  return sct;
}

Status EmbedSct(X509& cert, crypto::SctPtr sct) {
  crypto::SctListPtr list(sk_SCT_new_null());
  if (!list || sk_SCT_push(list.get(), sct.get()) <= 0) return OpenSslError("sk_SCT_push");
  sct.release();  // owned by the list now
  if (X509_add1_ext_i2d(&cert, NID_ct_precert_scts, list.get(), 0, 0) != 1) {
    return OpenSslError("X509_add1_ext_i2d");
  }
  return Status::Ok();
}

// Rekor entry bodies naming `sig` by `cert_pem` over `payload`.
std::string HashedRekordBody(const std::string& payload, const std::string& sig,
                             const std::string& cert_pem) {
  nlohmann::json body = {
      {"apiVersion", "0.0.1"},
      {"kind", "hashedrekord"},
      {"spec",
       {{"data", {{"hash", {{"algorithm", "sha256"}, {"value", crypto::Sha256Hex(payload)}}}}},
        {"signature",
         {{"content", crypto::Base64Encode(sig)},
          {"publicKey", {{"content", crypto::Base64Encode(cert_pem)}}}}}}}};
  return body.dump();
}

std::string DsseBody(const std::string& payload, const std::string& sig,
                     const std::string& cert_pem) {
  nlohmann::json body = {
      {"apiVersion", "0.0.1"},
      {"kind", "dsse"},
      {"spec",
       {{"payloadHash", {{"algorithm", "sha256"}, {"value", crypto::Sha256Hex(payload)}}},
        {"signatures", nlohmann::json::array({{{"signature", crypto::Base64Encode(sig)},
                                               {"verifier", crypto::Base64Encode(cert_pem)}}})}}}};
  return body.dump();
}

// The dev.sigstore.cosign/bundle annotation for an entry.
std::string RekorBundleJson(const RekorBundle& entry) {
  nlohmann::json json_bundle = {
      {"SignedEntryTimestamp", crypto::Base64Encode(entry.signed_entry_timestamp)},
      {"Payload",
       {{"body", entry.body},
        {"integratedTime", entry.integrated_time},
        {"logIndex", entry.log_index},
        {"logID", entry.log_id}}}};
  return json_bundle.dump();
}

// A sigstore bundle's tlog entry for an entry of `kind`.
BundleTlogEntry TlogEntry(const RekorBundle& entry, const std::string& kind) {
  BundleTlogEntry e;
  e.log_index = entry.log_index;
  auto log_id = crypto::HexDecode(entry.log_id);
  if (log_id.ok()) e.log_id = *log_id;
  e.kind = kind;
  e.version = "0.0.1";
  e.integrated_time = entry.integrated_time;
  e.signed_entry_timestamp = entry.signed_entry_timestamp;
  e.canonicalized_body = entry.body;
  return e;
}

}  // namespace

KeylessFixture::KeylessFixture(PrivateKey root_key, X509Ptr root, PrivateKey inter_key,
                               X509Ptr inter, PrivateKey ct_log, PrivateKey rekor)
    : root_key_(std::move(root_key)),
      root_(std::move(root)),
      intermediate_key_(std::move(inter_key)),
      intermediate_(std::move(inter)),
      ct_log_(std::move(ct_log)),
      rekor_(std::move(rekor)),
      root_pem_(ToPem(*root_)),
      intermediate_pem_(ToPem(*intermediate_)) {}

StatusOr<KeylessFixture> KeylessFixture::Create() {
  CN_ASSIGN_OR_RETURN(PrivateKey root_key, NewKey());
  CN_ASSIGN_OR_RETURN(X509Ptr root, NewCa(root_key, "fulcio-test-root", nullptr, root_key, 1));
  CN_ASSIGN_OR_RETURN(PrivateKey inter_key, NewKey());
  CN_ASSIGN_OR_RETURN(X509Ptr inter,
                      NewCa(inter_key, "fulcio-test-intermediate", root.get(), root_key, 2));
  CN_ASSIGN_OR_RETURN(PrivateKey ct_log, NewKey());
  CN_ASSIGN_OR_RETURN(PrivateKey rekor, NewKey());
  return KeylessFixture(std::move(root_key), std::move(root), std::move(inter_key),
                        std::move(inter), std::move(ct_log), std::move(rekor));
}

config::CosignHost KeylessFixture::Host() const {
  config::CosignHost host;
  host.fulcio_cert = root_pem_;
  host.ct_log_pubkey = ct_log_.PublicPem();
  host.rekor_pubkey = rekor_.PublicPem();
  return host;
}

StatusOr<Leaf> KeylessFixture::IssueLeaf(const LeafOptions& options) const {
  CN_ASSIGN_OR_RETURN(PrivateKey key, NewKey());
  CN_ASSIGN_OR_RETURN(std::string pem, IssueLeafPem(key, options));
  return Leaf{std::move(key), std::move(pem)};
}

StatusOr<std::string> KeylessFixture::IssueLeafPem(const PrivateKey& key,
                                                   const LeafOptions& options) const {
  static std::atomic<long> serial = 100;
  X509* issuer = intermediate_.get();
  const PrivateKey* issuer_key = &intermediate_key_;
  std::optional<PrivateKey> stranger_key;
  X509Ptr stranger;
  if (options.issued_by_stranger) {
    CN_ASSIGN_OR_RETURN(stranger_key, NewKey());
    CN_ASSIGN_OR_RETURN(
        stranger, NewCa(*stranger_key, "fulcio-test-intermediate", nullptr, *stranger_key, 3));
    issuer = stranger.get();
    issuer_key = &*stranger_key;
  }
  CN_ASSIGN_OR_RETURN(X509Ptr cert, NewCertificate(key, "", options.not_before,
                                                   options.lifetime_seconds, ++serial));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  CN_RETURN_IF_ERROR(AddExtension(*cert, *issuer, NID_key_usage, "critical,digitalSignature"));
  if (options.code_signing) {
    CN_RETURN_IF_ERROR(AddExtension(*cert, *issuer, NID_ext_key_usage, "codeSigning"));
  }
  CN_RETURN_IF_ERROR(AddExtension(*cert, *issuer, NID_subject_key_identifier, "hash"));
  CN_RETURN_IF_ERROR(AddExtension(*cert, *issuer, NID_authority_key_identifier, "keyid:always"));
  std::string san;
  for (const auto& e : options.emails) san += (san.empty() ? "email:" : ",email:") + e;
  for (const auto& u : options.uris) san += (san.empty() ? "URI:" : ",URI:") + u;
  if (!san.empty()) {
    CN_RETURN_IF_ERROR(AddExtension(*cert, *issuer, NID_subject_alt_name, "critical," + san));
  }
  if (!options.issuer_v1.empty()) {
    CN_RETURN_IF_ERROR(AddRawExtension(*cert, kFulcioIssuerV1Oid, options.issuer_v1));
  }
  if (!options.issuer_v2.empty()) {
    CN_RETURN_IF_ERROR(
        AddRawExtension(*cert, kFulcioIssuerV2Oid, Utf8StringDer(options.issuer_v2)));
  }
  CN_RETURN_IF_ERROR(Sign(*cert, *issuer_key));  // fixes the TBS the SCT signs
  if (options.sct != LeafOptions::Sct::kNone) {
    std::optional<PrivateKey> other_log;
    if (options.sct == LeafOptions::Sct::kOtherLog) {
      CN_ASSIGN_OR_RETURN(other_log, NewKey());
    }
    const PrivateKey& log = other_log ? *other_log : ct_log_;
    CN_ASSIGN_OR_RETURN(
        crypto::SctPtr sct,
        MakeSct(*cert, *issuer, log, log, options.sct == LeafOptions::Sct::kBadSignature));
    CN_RETURN_IF_ERROR(EmbedSct(*cert, std::move(sct)));
    CN_RETURN_IF_ERROR(Sign(*cert, *issuer_key));
  }
  return ToPem(*cert);
}

StatusOr<RekorBundle> KeylessFixture::LogEntry(const std::string& body_json,
                                               const LayerOptions& options) const {
  CN_ASSIGN_OR_RETURN(crypto::PublicKey rekor_pub, rekor_.Public());
  RekorBundle entry;
  entry.body = crypto::Base64Encode(body_json);
  entry.integrated_time = options.integrated_time;
  entry.log_index = 42;
  entry.log_id = crypto::Sha256Hex(rekor_pub.spki_der());
  std::optional<PrivateKey> stranger;
  if (options.set_by_stranger) {
    CN_ASSIGN_OR_RETURN(stranger, NewKey());
  }
  const PrivateKey& set_signer = stranger ? *stranger : rekor_;
  CN_ASSIGN_OR_RETURN(
      entry.signed_entry_timestamp,
      set_signer.Sign(entry.CanonicalPayload(), crypto::SignatureScheme::kEcdsaDer));
  return entry;
}

StatusOr<std::map<std::string, std::string>> KeylessFixture::Annotations(
    const std::string& payload, const Leaf& leaf, const LayerOptions& options) const {
  const PrivateKey& signer = options.signature_key ? *options.signature_key : leaf.key;
  CN_ASSIGN_OR_RETURN(std::string sig, signer.Sign(payload, crypto::SignatureScheme::kEcdsaDer));
  std::map<std::string, std::string> annotations;
  annotations[std::string(kSignatureAnnotation)] = crypto::Base64Encode(sig);
  annotations[std::string(kCertificateAnnotation)] = leaf.pem;
  if (options.include_chain) {
    annotations[std::string(kChainAnnotation)] = intermediate_pem_ + root_pem_;
  }
  if (!options.include_bundle) return annotations;
  const std::string entry_cert =
      options.entry_certificate_pem.empty() ? leaf.pem : options.entry_certificate_pem;
  CN_ASSIGN_OR_RETURN(RekorBundle entry,
                      LogEntry(HashedRekordBody(payload, sig, entry_cert), options));
  annotations[std::string(kBundleAnnotation)] = RekorBundleJson(entry);
  return annotations;
}

StatusOr<SignedLayer> KeylessFixture::SignLayer(const std::string& image_digest, const Leaf& leaf,
                                                const LayerOptions& options) const {
  SimpleSigning payload;
  payload.docker_reference = "registry.test/team/app";
  payload.manifest_digest = image_digest;
  payload.type = std::string(kSimpleSigningType);
  SignedLayer layer;
  layer.payload = payload.Serialize();
  layer.descriptor.media_type = std::string(kSimpleSigningMediaType);
  layer.descriptor.digest = crypto::OciDigest(layer.payload);
  layer.descriptor.size = static_cast<int64_t>(layer.payload.size());
  CN_ASSIGN_OR_RETURN(layer.descriptor.annotations, Annotations(layer.payload, leaf, options));
  return layer;
}

Status KeylessFixture::PushSignature(registry::RegistryClient& client, const std::string& host,
                                     const std::string& repo, const std::string& digest,
                                     const Leaf& leaf, Deadline deadline) const {
  SimpleSigning payload;
  payload.docker_reference = DockerReference(host, repo);
  payload.manifest_digest = digest;
  payload.type = std::string(kSimpleSigningType);
  const std::string blob = payload.Serialize();
  CN_ASSIGN_OR_RETURN(auto annotations, Annotations(blob, leaf, {}));
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, blob, deadline).status());
  const std::string config = SignatureConfig({crypto::OciDigest(blob)});
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, config, deadline).status());
  SignatureManifest m;
  m.config = {std::string(kOciConfigMediaType),
              crypto::OciDigest(config),
              static_cast<int64_t>(config.size()),
              {}};
  m.layers = {{std::string(kSimpleSigningMediaType), crypto::OciDigest(blob),
               static_cast<int64_t>(blob.size()), std::move(annotations)}};
  CN_ASSIGN_OR_RETURN(std::string tag, SignatureTag(digest));
  return client.PutManifest(host, repo, tag, m.Serialize(), kOciManifestMediaType, deadline)
      .status();
}

}  // namespace connaisseur::cosign::testing

namespace connaisseur::cosign::testing {

config::CosignHost KeylessFixture::HostWithIntermediate() const {
  config::CosignHost host = Host();
  host.fulcio_cert = root_pem_ + intermediate_pem_;
  return host;
}

namespace {

// The bundle's verification material for `leaf` as `options` asks.
StatusOr<SigstoreBundle> KeylessBundle(const Leaf& leaf, const std::string& intermediate_pem,
                                       const BundleOptions& options) {
  auto leaf_cert = ParseCertificates(leaf.pem);
  auto intermediate = ParseCertificates(intermediate_pem);
  if (!leaf_cert.ok() || !intermediate.ok()) return InternalError("fixture certificates");
  SigstoreBundle bundle;
  bundle.media_type = std::string(kSigstoreBundleMediaType);
  bundle.key_material = SigstoreBundle::KeyMaterial::kCertificate;
  bundle.certificate_der = CertificateDer(*leaf_cert->front());
  if (options.chain_material) {
    bundle.media_type = "application/vnd.dev.sigstore.bundle+json;version=0.2";
    bundle.key_material = SigstoreBundle::KeyMaterial::kCertificateChain;
    bundle.chain_der = {CertificateDer(*intermediate->front())};
  }
  return bundle;
}

}  // namespace

StatusOr<SigstoreBundle> KeylessFixture::DsseBundle(const std::string& statement, const Leaf& leaf,
                                                    const BundleOptions& options) const {
  CN_ASSIGN_OR_RETURN(SigstoreBundle bundle, KeylessBundle(leaf, intermediate_pem_, options));
  DsseEnvelope dsse;
  dsse.payload_type = std::string(kInTotoPayloadType);
  dsse.payload = statement;
  const PrivateKey& signer = options.log.signature_key ? *options.log.signature_key : leaf.key;
  CN_ASSIGN_OR_RETURN(std::string sig, signer.Sign(DssePae(dsse.payload_type, dsse.payload),
                                                   crypto::SignatureScheme::kEcdsaDer));
  dsse.signatures = {sig};
  bundle.dsse_envelope = std::move(dsse);
  if (!options.log.include_bundle) return bundle;
  const std::string entry_cert =
      options.log.entry_certificate_pem.empty() ? leaf.pem : options.log.entry_certificate_pem;
  CN_ASSIGN_OR_RETURN(RekorBundle entry,
                      LogEntry(DsseBody(statement, sig, entry_cert), options.log));
  bundle.tlog_entries = {TlogEntry(entry, "dsse")};
  return bundle;
}

StatusOr<SigstoreBundle> KeylessFixture::MessageBundle(const std::string& message, const Leaf& leaf,
                                                       const BundleOptions& options) const {
  CN_ASSIGN_OR_RETURN(SigstoreBundle bundle, KeylessBundle(leaf, intermediate_pem_, options));
  const PrivateKey& signer = options.log.signature_key ? *options.log.signature_key : leaf.key;
  CN_ASSIGN_OR_RETURN(std::string sig, signer.Sign(message, crypto::SignatureScheme::kEcdsaDer));
  MessageSignature m;
  m.digest_algorithm = "SHA2_256";
  const crypto::Sha256Digest digest = crypto::Sha256(message);
  m.digest.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  m.signature = sig;
  bundle.message_signature = std::move(m);
  if (!options.log.include_bundle) return bundle;
  const std::string entry_cert =
      options.log.entry_certificate_pem.empty() ? leaf.pem : options.log.entry_certificate_pem;
  CN_ASSIGN_OR_RETURN(RekorBundle entry,
                      LogEntry(HashedRekordBody(message, sig, entry_cert), options.log));
  bundle.tlog_entries = {TlogEntry(entry, "hashedrekord")};
  return bundle;
}

StatusOr<AttestationLayer> KeylessFixture::Attest(const std::string& statement, const Leaf& leaf,
                                                  const LayerOptions& options) const {
  AttestationLayer layer;
  layer.envelope.payload_type = std::string(kInTotoPayloadType);
  layer.envelope.payload = statement;
  const PrivateKey& signer = options.signature_key ? *options.signature_key : leaf.key;
  CN_ASSIGN_OR_RETURN(std::string sig, signer.Sign(DssePae(layer.envelope.payload_type, statement),
                                                   crypto::SignatureScheme::kEcdsaDer));
  layer.envelope.signatures = {sig};
  layer.annotations[std::string(kSignatureAnnotation)] = "";
  layer.annotations[std::string(kCertificateAnnotation)] = leaf.pem;
  if (options.include_chain) {
    layer.annotations[std::string(kChainAnnotation)] = intermediate_pem_ + root_pem_;
  }
  if (!options.include_bundle) return layer;
  const std::string entry_cert =
      options.entry_certificate_pem.empty() ? leaf.pem : options.entry_certificate_pem;
  const IntotoUpload upload{layer.envelope.Serialize(), entry_cert};
  std::string body;
  switch (options.att_entry) {
    case LayerOptions::AttEntry::kDsse:
      body = DsseBody(statement, sig, entry_cert);
      break;
    case LayerOptions::AttEntry::kIntotoV2:
      body = IntotoV2Body(upload).dump();
      break;
    case LayerOptions::AttEntry::kIntotoV1:
      body = IntotoV1Body(upload).dump();
      break;
  }
  CN_ASSIGN_OR_RETURN(RekorBundle entry, LogEntry(body, options));
  layer.annotations[std::string(kBundleAnnotation)] = RekorBundleJson(entry);
  return layer;
}

Status KeylessFixture::PushAttestation(registry::RegistryClient& client, const std::string& host,
                                       const std::string& repo, const std::string& digest,
                                       const AttestationLayer& layer, Deadline deadline) const {
  const std::string blob = layer.envelope.Serialize();
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, blob, deadline).status());
  const std::string config = SignatureConfig({crypto::OciDigest(blob)});
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, config, deadline).status());
  SignatureManifest m;
  m.config = {std::string(kOciConfigMediaType),
              crypto::OciDigest(config),
              static_cast<int64_t>(config.size()),
              {}};
  m.layers = {{std::string(kDsseEnvelopeMediaType), crypto::OciDigest(blob),
               static_cast<int64_t>(blob.size()), layer.annotations}};
  CN_ASSIGN_OR_RETURN(std::string tag, AttestationTag(digest));
  return client.PutManifest(host, repo, tag, m.Serialize(), kOciManifestMediaType, deadline)
      .status();
}

}  // namespace connaisseur::cosign::testing
