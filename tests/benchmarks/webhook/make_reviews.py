"""Writes the two AdmissionReviews compare_bare.sh sends: POD_FILE, the ~1 KB Pod review of
run_wrk.sh (three images, all admitted by a static rule), and DEPLOYMENT_FILE, a Deployment
review with three containers.
Usage: make_reviews.py POD_FILE DEPLOYMENT_FILE"""
import json
import sys

USER = {"username": "system:serviceaccount:kube-system:replicaset-controller",
        "groups": ["system:serviceaccounts", "system:authenticated"]}


def review(kind, resource, obj):
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "0b1e9c6a-5d4f-4c2b-9a8e-7f6d5c4b3a21",
                        "kind": {"group": "" if kind == "Pod" else "apps", "version": "v1",
                                 "kind": kind},
                        "resource": {"group": "" if kind == "Pod" else "apps", "version": "v1",
                                     "resource": resource},
                        "namespace": "default", "operation": "CREATE", "userInfo": USER,
                        "object": obj, "dryRun": False}}


def pod_spec():
    return {"containers": [
        {"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
         "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}},
        {"name": "cache", "image": "redis:7", "resources": {"limits": {"memory": "64Mi"}}}],
        "initContainers": [{"name": "init", "image": "busybox:1.36", "command": ["true"]}],
        "serviceAccountName": "default", "restartPolicy": "Always"}


def deployment_spec():
    spec = pod_spec()
    spec["containers"].append({"name": "proxy", "image": "docker.io/library/haproxy:2.9",
                               "ports": [{"containerPort": 8443}]})
    del spec["initContainers"]
    return spec


pod = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web-7d4b9c8f6d-x2x9k", "namespace": "default",
                    "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d"}},
       "spec": pod_spec()}
deployment = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
              "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": deployment_spec()}}}
json.dump(review("Pod", "pods", pod), open(sys.argv[1], "w"))
json.dump(review("Deployment", "deployments", deployment), open(sys.argv[2], "w"))
