#!/usr/bin/env python3
"""helm/values.schema.json against the values an admin may give the chart.

Helm validates the user's values merged over helm/values.yaml, so every file here is merged the
same way (maps merge key by key, a null deletes the key, anything else replaces) before it is
validated. Every values file under examples/ (and tests/data/connaisseur-values/ when present)
must be accepted; mistyped values (wrong key, wrong type, wrong enum) must be rejected, naming
the offending path. Files named *unknown-keys* hold misspelled keys on purpose (Connaisseur ignores
them and `connaisseur lint` warns): the schema must reject each of those keys at `helm install`.

Usage: values_schema_test.py REPOSITORY_ROOT. Exit 77 (CTest: skipped) when python3-jsonschema or
python3-yaml is missing.
"""
import copy
import os
import sys
import unittest

try:
    import jsonschema
    import yaml
except ImportError as missing:  # the Debian packages scripts/setup installs
    print(f"SKIPPED: {missing.name} is not installed (apt-get install python3-jsonschema python3-yaml)")
    sys.exit(77)

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
VALUES_DIRS = ["examples", "tests/data/connaisseur-values"]
# A values file has one of these at its top level (v3, v2/v3.3.4, v1); cases files and the
# like do not.
LAYOUT_KEYS = {"application", "validators", "notary"}


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def coalesce(user, defaults):
    """Helm's merge of user values over the chart's defaults."""
    merged = copy.deepcopy(user)
    for key, default in defaults.items():
        if key not in merged:
            merged[key] = copy.deepcopy(default)
        elif merged[key] is None:
            del merged[key]
        elif isinstance(merged[key], dict) and isinstance(default, dict):
            merged[key] = coalesce(merged[key], default)
    return {k: v for k, v in merged.items() if v is not None}


def is_unknown_keys_file(path):
    return "unknown-keys" in os.path.basename(path)


def values_files():
    found = []
    for folder in VALUES_DIRS:
        for dirpath, _, names in os.walk(os.path.join(ROOT, folder)):
            for name in sorted(names):
                if not name.endswith((".yaml", ".yml")):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        docs = list(yaml.safe_load_all(f))
                except yaml.YAMLError:
                    continue  # not ours to judge here: connaisseur lint reads it
                if len(docs) == 1 and isinstance(docs[0], dict) and LAYOUT_KEYS & docs[0].keys():
                    found.append(path)
    return sorted(found)


def error_paths(validator, values):
    """Each error as 'a.b[0].c: message', best match first."""
    out = []
    for error in sorted(validator.iter_errors(values), key=jsonschema.exceptions.relevance):
        leaves = error.context or [error]
        for leaf in leaves:
            path = ""
            for part in leaf.absolute_path:
                path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
            out.append(f"{path or '<root>'}: {leaf.message}")
    return out


class ValuesSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(ROOT, "helm/values.schema.json"), encoding="utf-8") as f:
            import json
            cls.schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft7Validator(cls.schema)
        cls.defaults = load_yaml(os.path.join(ROOT, "helm/values.yaml"))

    def assertAccepted(self, values, what):
        errors = error_paths(self.validator, coalesce(values, self.defaults))
        self.assertEqual(errors, [], f"{what} is rejected by helm/values.schema.json")

    def assertRejected(self, values, path_fragment, what):
        errors = error_paths(self.validator, coalesce(values, self.defaults))
        self.assertTrue(errors, f"{what} is accepted, but must be rejected")
        self.assertTrue(any(path_fragment in e for e in errors),
                        f"{what}: no error names {path_fragment!r}: {errors}")

    def test_chart_defaults_are_accepted(self):
        self.assertEqual(error_paths(self.validator, self.defaults), [])

    def test_every_example_values_file_is_accepted(self):
        files = values_files()
        # examples/values-v1.yaml, -v2, -v3 and -demo at least: an empty list means the
        # discovery is broken, not that all is well.
        self.assertGreaterEqual(len(files), 4, files)
        for path in files:
            if is_unknown_keys_file(path):
                continue
            with self.subTest(file=os.path.relpath(path, ROOT)):
                self.assertAccepted(load_yaml(path), os.path.relpath(path, ROOT))

    def test_unknown_keys_are_rejected_at_install(self):
        for path in filter(is_unknown_keys_file, values_files()):
            with self.subTest(file=os.path.relpath(path, ROOT)):
                errors = error_paths(self.validator, coalesce(load_yaml(path), self.defaults))
                self.assertTrue(errors, f"{path}: misspelled keys are accepted")
                self.assertTrue(all("was unexpected" in e for e in errors), errors)

    def v3(self):
        return load_yaml(os.path.join(ROOT, "examples/values-v3.yaml"))

    def v2(self):
        return load_yaml(os.path.join(ROOT, "examples/values-v2.yaml"))

    # Mistyped values: each case edits a valid file and names the path the error must name.
    def test_mistyped_values_are_rejected(self):
        def edit(base, change):
            values = base()
            change(values)
            return values

        app = lambda v: v["application"]
        cases = [
            ("top-level typo 'aplication'",
             lambda v: v.update(aplication={}), "aplication"),
            ("kubernetes.deployment.replicaCount (typo)",
             lambda v: v["kubernetes"]["deployment"].update(replicaCount=2), "kubernetes.deployment"),
            ("replicasCount as a string",
             lambda v: v["kubernetes"]["deployment"].update(replicasCount="3"), "replicasCount"),
            ("image tag as a number",
             lambda v: v["kubernetes"]["deployment"].update(image={"repository": "r", "tag": 1.0}), "tag"),
            ("failurePolicy lower-case",
             lambda v: v["kubernetes"]["webhook"].update(failurePolicy="fail"), "failurePolicy"),
            ("service port out of range",
             lambda v: v["kubernetes"]["service"].update(port=70000), "port"),
            ("detectionMode as a string",
             lambda v: app(v)["features"].update(detectionMode="true"), "detectionMode"),
            ("unknown feature",
             lambda v: app(v)["features"].update(detectonMode=True), "features"),
            ("resourceValidationMode not all|podsOnly",
             lambda v: app(v)["features"].update(resourceValidationMode="pods"), "resourceValidationMode"),
            ("namespacedValidation mode not ignore|validate",
             lambda v: app(v)["features"].update(namespacedValidation={"mode": "skip"}), "mode"),
            ("validator type unknown",
             lambda v: app(v)["validators"][0].update(type="notary"), "validators[0].type"),
            ("trustRoot instead of trustRoots",
             lambda v: app(v)["validators"][2].update(trustRoot=app(v)["validators"][2].pop("trustRoots")),
             "validators[2]"),
            ("static validator without approve",
             lambda v: app(v)["validators"][0].pop("approve"), "validators[0]"),
            ("static validator with trust roots",
             lambda v: app(v)["validators"][0].update(trustRoots=[{"name": "x", "key": "k"}]), "validators[0]"),
            ("notaryv1 trust root without key",
             lambda v: app(v)["validators"][2]["trustRoots"][0].pop("key"), "trustRoots[0]"),
            ("rule option typo 'treshold'",
             lambda v: app(v)["policy"][2]["with"].update(treshold=1), "policy[2].with"),
            ("rule without pattern",
             lambda v: app(v)["policy"][0].pop("pattern"), "policy[0]"),
            ("empty policy",
             lambda v: app(v).update(policy=[]), "policy"),
            ("logLevel unknown",
             lambda v: app(v).update(logLevel="verbose"), "logLevel"),
            ("v2 spelling inside the v3 layout",
             lambda v: app(v)["validators"][2].update(trust_roots=[]), "validators[2]"),
            ("alerting receiver with v2 spelling in the v3 layout",
             lambda v: v["alerting"]["admitRequest"]["receivers"][0].update(receiver_url="https://x"),
             "alerting.admitRequest.receivers[0]"),
            ("kubernetes.redis.enabled as a string",
             lambda v: v["kubernetes"].update(redis={"enabled": "yes"}), "kubernetes.redis.enabled"),
            ("kubernetes.redis typo 'enable'",
             lambda v: v["kubernetes"].update(redis={"enable": True}), "kubernetes.redis"),
            ("kubernetes.redis.image.digest not hex",
             lambda v: v["kubernetes"].update(redis={"image": {"digest": "latest"}}), "digest"),
            ("podDisruptionBudget.enabled as a string",
             lambda v: v["kubernetes"].update(podDisruptionBudget={"enabled": "no"}), "enabled"),
            ("alerting receiver URL without scheme",
             lambda v: v["alerting"]["rejectRequest"]["receivers"][0].update(receiverUrl="example.com"),
             "receiverUrl"),
        ]
        for what, change, path in cases:
            with self.subTest(case=what):
                self.assertRejected(edit(self.v3, change), path, what)

        v2_cases = [
            ("v2 validator with an unknown key",
             lambda v: v["validators"][2].update(trust_rots=[]), "validators[2]"),
            ("v2 rule option typo",
             lambda v: v["policy"][2]["with"].update(trust_rot="sse"), "policy[2].with"),
            ("v2 deployment typo",
             lambda v: v["deployment"].update(replicas=3), "deployment"),
            ("v2 alerting typo",
             lambda v: v["alerting"].update(admit_requests={}), "alerting"),
        ]
        for what, change, path in v2_cases:
            with self.subTest(case=what):
                self.assertRejected(edit(self.v2, change), path, what)

    # Layouts and spellings Connaisseur accepts must stay accepted.
    def test_other_accepted_shapes(self):
        def edit(base, change):
            values = base()
            change(values)
            return values

        app = lambda v: v["application"]
        cases = [
            ("image as one string (v3.3.4)",
             self.v3, lambda v: v["kubernetes"]["deployment"].update(image="registry.example.com/connaisseur:v1")),
            ("namespacedValidation: true", self.v3,
             lambda v: app(v)["features"].update(namespacedValidation=True)),
            ("cache: false", self.v3, lambda v: app(v)["features"].update(cache=False)),
            ("cosign validator with a Rekor host and keyless root", self.v3,
             lambda v: app(v)["validators"].append({
                 "name": "sigstore", "type": "cosign",
                 "host": {"rekor": "rekor.sigstore.dev"},
                 "trustRoots": [{"name": "default", "keyless": {"issuer": "https://issuer",
                                                               "subject": "me@example.com"}}]})),
            ("policy script and sandbox limits", self.v3,
             lambda v: app(v).update(policyScript="return {}", sandbox={"instructionLimit": 100000})),
            ("inline auth scoped to a registry", self.v3,
             lambda v: app(v)["validators"][2].update(auth={"username": "u", "password": "p",
                                                            "registry": "registry.example.com"})),
            ("camelCase v3.3.4 file", self.v2,
             lambda v: v["validators"][2].update(trustRoots=v["validators"][2].pop("trust_roots"))),
            ("v2 cosign host as a string", self.v2,
             lambda v: v["validators"].append({"name": "c", "type": "cosign", "host": "rekor.sigstore.dev",
                                               "trust_roots": [{"name": "default", "key": "k"}]})),
            ("a parent chart's global values", self.v3, lambda v: v.update({"global": {"x": 1}})),
            ("Connaisseur v3.10's kubernetes.redis (tag a number) and podDisruptionBudget", self.v3,
             lambda v: v["kubernetes"].update(
                 redis={"image": {"repository": "redis", "tag": 7}, "pullPolicy": "Always",
                        "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}},
                        "securityContext": {"runAsUser": 999, "readOnlyRootFilesystem": True},
                        "podSecurityContext": {}, "tls": {}},
                 podDisruptionBudget={"minAvailable": 1})),
            ("the chart's Redis with its own keys", self.v3,
             lambda v: v["kubernetes"].update(
                 redis={"enabled": True, "maxmemory": "128mb", "networkPolicy": False,
                        "image": {"digest": "sha256:" + "0" * 64}, "tls": {"cert": "c", "key": "k"}})),
            ("cache.redis with caFile", self.v3,
             lambda v: app(v)["features"].update(cache={"redis": {"host": "r", "tls": True, "caFile": "/ca.crt"}})),
        ]
        for what, base, change in cases:
            with self.subTest(case=what):
                self.assertAccepted(edit(base, change), what)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
