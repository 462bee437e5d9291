#!/usr/bin/env python3
"""The chart's templates, rendered, against what they must produce.

Debian has no helm, so tests/helm/render/ (Go's text/template with Debian's Sprig, plus Helm's own
functions) renders helm/ as `helm template` would, off-cluster (`lookup` finds nothing). The
manifests are parsed and asserted: high availability (pod anti-affinity and a PodDisruptionBudget by
default only with more than one replica, the values' own affinity and budget kept), the optional
Redis (its objects, TLS, password Secret, and the webhook's cache config pointing at it) and that
Connaisseur v3.10's default values render, and the RBAC that reading namespace labels needs.

Usage: chart_render_test.py REPOSITORY_ROOT BUILD_DIR. Exit 77 (CTest: skipped) when go, Debian's
sprig or python3-yaml is missing.
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

try:
    import yaml
except ImportError:
    print("SKIPPED: python3-yaml is not installed")
    sys.exit(77)

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
BUILD = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "build"))
GOPATH = "/usr/share/gocode"  # Debian's Go libraries (golang-github-masterminds-sprig-dev, ...)
RENDERER = os.path.join(BUILD, "tests", "helm", "render")


def build_renderer():
    if shutil.which("go") is None or not os.path.isdir(os.path.join(GOPATH, "src/github.com/Masterminds/sprig")):
        print("SKIPPED: go or Debian's sprig is not installed (apt-get install golang-go "
              "golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev)")
        sys.exit(77)
    os.makedirs(os.path.dirname(RENDERER), exist_ok=True)
    env = dict(os.environ, GO111MODULE="off", GOPATH=GOPATH, GOFLAGS="",
               GOCACHE=os.path.join(BUILD, "tests", "helm", "go-cache"))
    subprocess.run(["go", "build", "-o", RENDERER, "."], cwd=os.path.join(ROOT, "tests/helm/render"),
                   env=env, check=True)


def render(values_yaml=None, values_file=None):
    """The documents of the chart rendered with the given values, as (kind, name) -> object."""
    args = [RENDERER, os.path.join(ROOT, "helm")]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        if values_yaml is not None:
            f.write(values_yaml)
            f.flush()
            args += ["-f", f.name]
        if values_file is not None:
            args += ["-f", values_file]
        done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RenderError(done.stderr)
    objects = {}
    for doc in yaml.safe_load_all(done.stdout):
        if doc:
            key = (doc["kind"], doc["metadata"]["name"])
            objects.setdefault(key, doc)  # the webhook's two hook documents share a name
    return objects


class RenderError(Exception):
    pass


def pod_spec(objects, name="connaisseur"):
    return objects[("Deployment", name)]["spec"]["template"]["spec"]


def app_config(objects):
    return yaml.safe_load(objects[("ConfigMap", "connaisseur-app-config")]["data"]["config.yaml"])


SELECTOR = {"app.kubernetes.io/name": "connaisseur", "app.kubernetes.io/instance": "connaisseur"}


class HighAvailability(unittest.TestCase):
    def test_one_replica_gets_neither_anti_affinity_nor_a_budget(self):
        objects = render("kubernetes: {deployment: {replicasCount: 1}}\n")
        self.assertEqual(objects[("Deployment", "connaisseur")]["spec"]["replicas"], 1)
        self.assertNotIn("affinity", pod_spec(objects))
        self.assertFalse([k for k in objects if k[0] == "PodDisruptionBudget"])

    def test_three_replicas_spread_over_nodes_and_lose_one_at_a_time(self):
        objects = render()  # values.yaml: replicasCount 3
        self.assertEqual(objects[("Deployment", "connaisseur")]["spec"]["replicas"], 3)
        terms = pod_spec(objects)["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        self.assertEqual(len(terms), 1)
        self.assertEqual(terms[0]["podAffinityTerm"]["topologyKey"], "kubernetes.io/hostname")
        self.assertEqual(terms[0]["podAffinityTerm"]["labelSelector"], {"matchLabels": SELECTOR})
        # The selector labels are exactly the Deployment's: the term repels the pods of this release.
        self.assertEqual(objects[("Deployment", "connaisseur")]["spec"]["selector"]["matchLabels"], SELECTOR)
        pdb = objects[("PodDisruptionBudget", "connaisseur-pod-disruption-budget")]
        self.assertEqual(pdb["spec"], {"maxUnavailable": 1, "selector": {"matchLabels": SELECTOR}})

    def test_the_values_affinity_and_budget_win(self):
        objects = render("""
kubernetes:
  deployment:
    replicasCount: 5
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: In, values: [system]}]}]
    podDisruptionBudget: {minAvailable: 2}
""")
        self.assertEqual(list(pod_spec(objects)["affinity"]), ["nodeAffinity"])
        pdb = objects[("PodDisruptionBudget", "connaisseur-pod-disruption-budget")]["spec"]
        self.assertEqual(pdb["minAvailable"], 2)
        self.assertNotIn("maxUnavailable", pdb)

    def test_older_place_of_the_budget_and_opting_out(self):
        objects = render("kubernetes: {podDisruptionBudget: {minAvailable: 1}, deployment: {replicasCount: 1}}\n")
        self.assertEqual(objects[("PodDisruptionBudget", "connaisseur-pod-disruption-budget")]["spec"]["minAvailable"], 1)
        objects = render("kubernetes: {deployment: {podDisruptionBudget: {enabled: false}, "
                         "affinity: {podAntiAffinity: {}}}}\n")
        self.assertFalse([k for k in objects if k[0] == "PodDisruptionBudget"])
        self.assertEqual(pod_spec(objects)["affinity"], {"podAntiAffinity": {}})

    def test_connaisseur_v3_10_defaults_render(self):
        # Its affinity is {} (the default spreading applies) and its budget is minAvailable: 2.
        objects = render(values_file=os.path.join(ROOT, "tests/data/connaisseur-values/v3.10-defaults.yaml"))
        terms = pod_spec(objects)["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        self.assertEqual(terms[0]["podAffinityTerm"]["labelSelector"], {"matchLabels": SELECTOR})
        pdb = objects[("PodDisruptionBudget", "connaisseur-pod-disruption-budget")]["spec"]
        self.assertEqual((pdb.get("minAvailable"), pdb.get("maxUnavailable")), (2, None))
        self.assertFalse([k for k in objects if "redis" in k[1]])  # v3.10 values do not enable it here

    def test_v3_10_chart_affinity_is_kept_as_written(self):
        objects = render("""
kubernetes:
  deployment:
    affinity:
      podAntiAffinity:
        preferredDuringSchedulingIgnoredDuringExecution:
          - podAffinityTerm:
              labelSelector:
                matchExpressions: [{key: app.kubernetes.io/instance, operator: In, values: [connaisseur]}]
              topologyKey: kubernetes.io/hostname
            weight: 100
""")
        terms = pod_spec(objects)["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        self.assertEqual(len(terms), 1)
        self.assertEqual(terms[0]["podAffinityTerm"]["labelSelector"]["matchExpressions"][0]["values"], ["connaisseur"])


class Redis(unittest.TestCase):
    def test_off_by_default(self):
        objects = render()
        self.assertFalse([k for k in objects if "redis" in k[1]])
        self.assertNotIn("redis", app_config(objects)["application"]["features"]["cache"])

    def test_enabled_deploys_redis_and_points_the_cache_at_it(self):
        objects = render("kubernetes: {redis: {enabled: true}}\n")
        password = base64.b64decode(objects[("Secret", "connaisseur-redis-secret")]["data"]["REDIS_PASSWORD"]).decode()
        self.assertGreaterEqual(len(password), 32)
        tls = objects[("Secret", "connaisseur-redis-tls")]
        cert = base64.b64decode(tls["data"]["tls.crt"]).decode()
        self.assertIn("BEGIN CERTIFICATE", cert)
        self.assertIn("PRIVATE KEY", base64.b64decode(tls["data"]["tls.key"]).decode())
        self.assert_certificate_names(cert, "connaisseur-redis-service")

        redis = pod_spec(objects, "connaisseur-redis")
        self.assertIs(redis["automountServiceAccountToken"], False)
        container = redis["containers"][0]
        self.assertEqual(container["image"], "redis:7")
        args = container["args"]
        self.assertEqual(args[args.index("--port") + 1], "0")  # no plain-text port
        self.assertEqual(args[args.index("--tls-port") + 1], "6379")
        self.assertEqual(args[args.index("--requirepass") + 1], "$(REDIS_PASSWORD)")
        self.assertEqual(container["env"][0]["valueFrom"]["secretKeyRef"],
                         {"name": "connaisseur-redis-secret", "key": "REDIS_PASSWORD"})
        self.assertIs(container["securityContext"]["readOnlyRootFilesystem"], True)
        self.assertEqual(args[args.index("--save") + 1], "")  # nothing written on that filesystem
        service = objects[("Service", "connaisseur-redis-service")]["spec"]
        self.assertEqual(service["ports"][0]["port"], 6379)
        self.assertEqual(service["selector"], objects[("Deployment", "connaisseur-redis")]["spec"]["selector"]["matchLabels"])
        self.assertNotEqual(service["selector"], SELECTOR)  # Redis is not one of the webhook's pods (PDB, anti-affinity)
        policy = objects[("NetworkPolicy", "connaisseur-redis")]["spec"]
        self.assertEqual(policy["ingress"][0]["from"][0]["podSelector"]["matchLabels"], SELECTOR)

        # The webhook: its cache reads the chart's Redis over TLS with the mounted password.
        cache = app_config(objects)["application"]["features"]["cache"]
        self.assertEqual(cache["expirySeconds"], 30)
        self.assertEqual(cache["redis"], {"host": "connaisseur-redis-service", "port": 6379, "tls": True,
                                          "passwordFile": "/app/redis/password", "caFile": "/app/redis-certs/tls.crt",
                                          "entryKeyFile": "/app/cache-entry-key/key"})
        self.assert_entry_key_mounted(objects)
        spec = pod_spec(objects)
        mounts = {m["mountPath"]: m["name"] for m in spec["containers"][0]["volumeMounts"]}
        volumes = {v["name"]: v for v in spec["volumes"]}
        password_volume = volumes[mounts["/app/redis"]]["secret"]
        self.assertEqual(password_volume, {"secretName": "connaisseur-redis-secret",
                                           "items": [{"key": "REDIS_PASSWORD", "path": "password"}]})
        self.assertEqual(volumes[mounts["/app/redis-certs"]]["secret"]["secretName"], "connaisseur-redis-tls")

    def assert_entry_key_mounted(self, objects):
        """The webhook's pods, and only they, mount the key that seals the shared cache's entries."""
        key = base64.b64decode(objects[("Secret", "connaisseur-cache-entry-key")]["data"]["key"]).decode()
        self.assertGreaterEqual(len(key), 32)
        spec = pod_spec(objects)
        mounts = {m["mountPath"]: m["name"] for m in spec["containers"][0]["volumeMounts"]}
        volumes = {v["name"]: v for v in spec["volumes"]}
        self.assertEqual(volumes[mounts["/app/cache-entry-key"]]["secret"],
                         {"secretName": "connaisseur-cache-entry-key", "items": [{"key": "key", "path": "key"}]})
        if ("Deployment", "connaisseur-redis") in objects:
            self.assertNotIn("connaisseur-cache-entry-key", str(objects[("Deployment", "connaisseur-redis")]))

    def test_a_redis_of_the_values_alone_gets_the_entry_key(self):
        objects = render("application: {features: {cache: {redis: {host: redis.shared.svc}}}}\n")
        self.assertFalse([k for k in objects if "redis" in k[1]])  # the chart deploys no Redis
        cache = app_config(objects)["application"]["features"]["cache"]
        self.assertEqual(cache["redis"], {"host": "redis.shared.svc", "entryKeyFile": "/app/cache-entry-key/key"})
        self.assert_entry_key_mounted(objects)
        own = render("application: {features: {cache: {redis: {host: r, entryKeyFile: /mine/key}}}}\n")
        self.assertEqual(app_config(own)["application"]["features"]["cache"]["redis"]["entryKeyFile"], "/mine/key")

    def assert_certificate_names(self, cert, service):
        if shutil.which("openssl") is None:
            return
        text = subprocess.run(["openssl", "x509", "-noout", "-text"], input=cert, capture_output=True,
                              text=True, check=True).stdout
        for name in (service, f"{service}.connaisseur.svc", f"{service}.connaisseur.svc.cluster.local"):
            self.assertIn(f"DNS:{name}", text)

    def test_v3_10_keys_are_used(self):
        digest = "a" * 64
        objects = render(f"""
kubernetes:
  redis:
    enabled: true
    image: {{repository: mirror.example/redis, tag: 7, digest: "{digest}"}}
    pullPolicy: Always
    resources: {{limits: {{memory: 1Gi}}}}
    networkPolicy: false
    tls:
      cert: "-----BEGIN CERTIFICATE-----\\nmine\\n-----END CERTIFICATE-----\\n"
      key: "-----BEGIN PRIVATE KEY-----\\nmine\\n-----END PRIVATE KEY-----\\n"
""")
        container = pod_spec(objects, "connaisseur-redis")["containers"][0]
        self.assertEqual(container["image"], f"mirror.example/redis@sha256:{digest}")
        self.assertEqual(container["imagePullPolicy"], "Always")
        self.assertEqual(container["resources"]["limits"]["memory"], "1Gi")  # merged over the chart's
        self.assertIn("mine", base64.b64decode(objects[("Secret", "connaisseur-redis-tls")]["data"]["tls.crt"]).decode())
        self.assertNotIn(("NetworkPolicy", "connaisseur-redis"), objects)

    def test_a_cache_redis_of_the_values_wins(self):
        objects = render("""
kubernetes: {redis: {enabled: true}}
application: {features: {cache: {expirySeconds: 60, redis: {host: redis.shared.svc, tls: true}}}}
""")
        cache = app_config(objects)["application"]["features"]["cache"]
        self.assertEqual(cache["redis"], {"host": "redis.shared.svc", "tls": True,
                                          "entryKeyFile": "/app/cache-entry-key/key"})
        self.assertEqual(cache["expirySeconds"], 60)

    def test_refused_without_a_cache_or_with_half_tls(self):
        for values, message in [
            ("kubernetes: {redis: {enabled: true}}\napplication: {features: {cache: {expirySeconds: 0}}}\n",
             "needs the cache"),
            ("kubernetes: {redis: {enabled: true}}\napplication: {features: {cache: false}}\n", "needs the cache"),
            ("kubernetes: {redis: {enabled: true, tls: {cert: x}}}\n", "needs both 'cert' and 'key'"),
            ("kubernetes: {redis: {enabled: true}}\nvalidators: [{name: default, type: static, approve: true}]\n"
             "policy: [{pattern: '*:*'}]\n", "needs the v3 layout"),
        ]:
            with self.subTest(values=values):
                with self.assertRaises(RenderError) as raised:
                    render(values)
                self.assertIn(message, str(raised.exception))


class Rbac(unittest.TestCase):
    def test_the_service_account_may_get_namespaces_for_their_labels(self):
        for values in [None, "application: {features: {automaticChildApproval: false}}\n"]:
            with self.subTest(values=values):
                objects = render(values)
                role = objects[("ClusterRole", "connaisseur-namespaces-role")]
                self.assertEqual(role["rules"], [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}])
                binding = objects[("ClusterRoleBinding", "connaisseur-namespaces-role-binding")]
                self.assertEqual(binding["roleRef"], {"kind": "ClusterRole", "name": "connaisseur-namespaces-role",
                                                      "apiGroup": "rbac.authorization.k8s.io"})
                self.assertEqual([(s["kind"], s["name"]) for s in binding["subjects"]],
                                 [("ServiceAccount", "connaisseur-serviceaccount")])
                # No other role grants anything on namespaces.
                for (kind, name), obj in objects.items():
                    if kind in ("Role", "ClusterRole") and name != "connaisseur-namespaces-role":
                        for rule in obj.get("rules", []):
                            self.assertNotIn("namespaces", rule["resources"], name)


if __name__ == "__main__":
    build_renderer()
    unittest.main(argv=sys.argv[:1], verbosity=2)
