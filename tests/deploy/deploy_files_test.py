#!/usr/bin/python3
"""Checks the deployment files in deploy/ as far as this machine can without Docker or a
Kubernetes cluster: nginx.conf passes the real `nginx -t` (with a local upstream, as `cardmint
cluster up` writes it), every YAML file parses and holds the kinds and fields the layout needs,
every environment variable they set is one cardmintd reads (from `cardmintd --help`), and the
systemd unit passes `systemd-analyze verify` (that one check is skipped, saying so, when the tool
is absent). Needs Debian's python3-yaml (scripts/install-deps.sh).

    deploy_files_test.py --deploy-dir DIR --cardmintd PATH [--nginx PATH]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

ARGS = None


def cardmintd_env_names():
    """The variables cardmintd reads: the bracketed names of its --help."""
    out = subprocess.run([ARGS.cardmintd, "--help"], capture_output=True, text=True, check=True)
    return set(re.findall(r"\[([A-Z][A-Z0-9_]+)\]", out.stdout))


def load_yaml_docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def nginx_size_bytes(text):
    """nginx's size syntax: 20m = 20 MiB, 512k = 512 KiB."""
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", text)
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]
    return int(m.group(1)) * scale


class YamlFiles(unittest.TestCase):
    def test_every_yaml_file_parses(self):
        found = []
        for root, _, files in os.walk(ARGS.deploy_dir):
            for name in files:
                if name.endswith((".yml", ".yaml")):
                    path = os.path.join(root, name)
                    found.append(path)
                    with self.subTest(path=path):
                        self.assertTrue(load_yaml_docs(path), "no document in it")
        self.assertGreaterEqual(len(found), 7, found)


class Compose(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = load_yaml_docs(os.path.join(ARGS.deploy_dir, "docker-compose.yml"))[0]
        cls.services = cls.compose["services"]

    def test_three_cardmintd_replicas_behind_nginx_with_redis(self):
        self.assertEqual(set(self.services), {"redis", "cardmintd", "nginx"})
        self.assertEqual(self.services["cardmintd"]["deploy"]["replicas"], 3)

    def test_redis_evicts_least_recently_used_keys_under_a_memory_limit(self):
        command = self.services["redis"]["command"]
        self.assertIn("--maxmemory", command)
        self.assertRegex(command[command.index("--maxmemory") + 1], r"^\d+[kmg]b$")
        self.assertEqual(command[command.index("--maxmemory-policy") + 1], "allkeys-lru")

    def test_cardmintd_environment_is_what_cardmintd_reads(self):
        env = self.services["cardmintd"]["environment"]
        known = cardmintd_env_names()
        self.assertFalse(set(env) - known, "not read by cardmintd")
        for needed in ("CATALOG_DB", "CACHE_SIZE", "REDIS_URL", "PORT", "HOST"):
            self.assertIn(needed, env)
        self.assertEqual(env["REDIS_URL"], "redis://redis:6379")
        self.assertEqual(env["HOST"], "0.0.0.0")

    def test_cardmintd_health_check_asks_ready(self):
        test = " ".join(self.services["cardmintd"]["healthcheck"]["test"])
        self.assertIn("/ready", test)

    def test_nginx_runs_the_repository_config_against_the_replicas(self):
        nginx = self.services["nginx"]
        mounts = {v.split(":")[0]: v.split(":")[1] for v in nginx["volumes"]}
        for name in ("nginx.conf", "cardmint-upstream.conf", "cardmint-listen.conf"):
            self.assertEqual(mounts["./nginx/" + name], "/etc/cardmint/" + name)
            self.assertTrue(os.path.isfile(os.path.join(ARGS.deploy_dir, "nginx", name)))
        self.assertIn("/etc/cardmint/nginx.conf", nginx["command"])
        port = self.services["cardmintd"]["environment"]["PORT"]
        upstream = read(os.path.join(ARGS.deploy_dir, "nginx", "cardmint-upstream.conf"))
        servers = re.findall(r"^\s*server\s+(\S+)", upstream, re.M)
        self.assertEqual(servers, ["cardmintd:" + port])
        listen = re.findall(r"^\s*listen\s+(\S+);", read(
            os.path.join(ARGS.deploy_dir, "nginx", "cardmint-listen.conf")), re.M)
        self.assertEqual(listen, ["8080"])
        self.assertIn("8080:8080", nginx["ports"])

    def test_nginx_body_limit_is_cardmintds(self):
        conf = read(os.path.join(ARGS.deploy_dir, "nginx", "nginx.conf"))
        limit = re.search(r"^\s*client_max_body_size\s+(\S+);", conf, re.M).group(1)
        env = self.services["cardmintd"]["environment"]
        self.assertEqual(nginx_size_bytes(limit), int(env["MAX_UPLOAD_BYTES"]))

    def test_dockerfile_builds_on_debian_12_with_the_project_scripts(self):
        self.assertEqual(self.services["cardmintd"]["build"]["dockerfile"], "deploy/Dockerfile")
        dockerfile = read(os.path.join(ARGS.deploy_dir, "Dockerfile"))
        stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.M)
        self.assertEqual([s[0] for s in stages], ["debian:12", "debian:12-slim"])
        self.assertIn("scripts/install-deps.sh", dockerfile)
        self.assertIn("scripts/build.sh", dockerfile)
        self.assertRegex(dockerfile, r"COPY --from=build \S+/cardmintd ")


class Kubernetes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        k8s = os.path.join(ARGS.deploy_dir, "k8s")
        cls.files = sorted(f for f in os.listdir(k8s) if f.endswith(".yaml"))
        cls.docs = []
        for f in cls.files:
            if f != "kustomization.yaml":
                cls.docs += load_yaml_docs(os.path.join(k8s, f))
        cls.kustomization = load_yaml_docs(os.path.join(k8s, "kustomization.yaml"))[0]

    def one(self, kind, name):
        found = [d for d in self.docs if d["kind"] == kind and d["metadata"]["name"] == name]
        self.assertEqual(len(found), 1, f"{kind}/{name}")
        return found[0]

    def test_kustomization_lists_every_manifest(self):
        self.assertEqual(sorted(self.kustomization["resources"]),
                         [f for f in self.files if f != "kustomization.yaml"])

    def test_kinds(self):
        kinds = sorted((d["kind"], d["metadata"]["name"]) for d in self.docs)
        self.assertEqual(kinds, sorted([
            ("ConfigMap", "cardmintd"), ("Deployment", "cardmintd"), ("Service", "cardmintd"),
            ("HorizontalPodAutoscaler", "cardmintd"), ("Deployment", "cardmint-redis"),
            ("Service", "cardmint-redis")]))

    def container(self):
        deployment = self.one("Deployment", "cardmintd")
        containers = deployment["spec"]["template"]["spec"]["containers"]
        self.assertEqual(len(containers), 1)
        return deployment, containers[0]

    def test_probes_ready_for_readiness_and_health_for_liveness(self):
        _, c = self.container()
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        self.assertEqual(c["readinessProbe"]["httpGet"]["path"], "/ready")
        self.assertEqual(c["livenessProbe"]["httpGet"]["path"], "/health")
        for probe in ("readinessProbe", "livenessProbe"):
            self.assertIn(c[probe]["httpGet"]["port"], ports)

    def test_settings_come_from_the_configmap_and_are_read_by_cardmintd(self):
        deployment, c = self.container()
        self.assertEqual(c["envFrom"][0]["configMapRef"]["name"], "cardmintd")
        data = self.one("ConfigMap", "cardmintd")["data"]
        self.assertFalse(set(data) - cardmintd_env_names(), "not read by cardmintd")
        ports = {p["containerPort"] for p in c["ports"]}
        self.assertIn(int(data["PORT"]), ports)
        self.assertEqual(data["HOST"], "0.0.0.0")
        redis_host = re.fullmatch(r"redis://([^:/]+):(\d+)", data["REDIS_URL"])
        redis_service = self.one("Service", redis_host.group(1))
        self.assertEqual(redis_service["spec"]["ports"][0]["port"], int(redis_host.group(2)))
        # Long enough to drain the longest request after SIGTERM.
        self.assertGreaterEqual(deployment["spec"]["template"]["spec"]
                                ["terminationGracePeriodSeconds"], 120)

    def test_service_and_hpa_point_at_the_deployment(self):
        deployment, c = self.container()
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        service = self.one("Service", "cardmintd")
        for key, value in service["spec"]["selector"].items():
            self.assertEqual(labels.get(key), value)
        self.assertIn(service["spec"]["ports"][0]["targetPort"], {p["name"] for p in c["ports"]})
        hpa = self.one("HorizontalPodAutoscaler", "cardmintd")
        self.assertEqual(hpa["spec"]["scaleTargetRef"]["kind"], "Deployment")
        self.assertEqual(hpa["spec"]["scaleTargetRef"]["name"], "cardmintd")
        self.assertGreaterEqual(hpa["spec"]["maxReplicas"], hpa["spec"]["minReplicas"])

    def test_redis_evicts_least_recently_used_keys(self):
        redis = self.one("Deployment", "cardmint-redis")
        args = redis["spec"]["template"]["spec"]["containers"][0]["args"]
        self.assertEqual(args[args.index("--maxmemory-policy") + 1], "allkeys-lru")
        self.assertIn("--maxmemory", args)


class Nginx(unittest.TestCase):
    def setUp(self):
        # 0755, not mkdtemp's 0700: nginx started by root runs its workers as `nobody`, and
        # `nginx -t` creates their temp folders under the prefix.
        self.dir = tempfile.mkdtemp(prefix="cardmint-nginx-test-")
        os.chmod(self.dir, 0o755)
        shutil.copy(os.path.join(ARGS.deploy_dir, "nginx", "nginx.conf"), self.dir)
        upstream = read(os.path.join(ARGS.deploy_dir, "nginx", "cardmint-upstream.conf"))
        # As `cardmint cluster up` writes it: loopback ports, the same server parameters.
        local = re.sub(r"^(\s*)server\s+\S+(.*)$",
                       lambda m: "".join(f"{m.group(1)}server 127.0.0.1:{p}{m.group(2)}\n"
                                         for p in (18081, 18082, 18083)),
                       upstream, flags=re.M)
        with open(os.path.join(self.dir, "cardmint-upstream.conf"), "w") as f:
            f.write(local)
        with open(os.path.join(self.dir, "cardmint-listen.conf"), "w") as f:
            f.write("listen 127.0.0.1:18080;\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def nginx(self, *flags):
        # pid, error log and temp folders all under the prefix: no root-only path is touched.
        return subprocess.run([ARGS.nginx, "-e", "stderr", "-c",
                               os.path.join(self.dir, "nginx.conf"), "-p", self.dir + "/",
                               "-g", "daemon off;", *flags], capture_output=True, text=True)

    def test_nginx_accepts_the_config(self):
        result = self.nginx("-t")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("test is successful", result.stderr)

    def test_retries_passive_health_limits_and_streaming(self):
        result = self.nginx("-T")
        self.assertEqual(result.returncode, 0, result.stderr)
        conf = result.stdout
        recognize = re.search(r"location = /recognize \{(.*?)\n        \}", conf, re.S).group(1)
        self.assertRegex(recognize,
                         r"proxy_next_upstream\s+error\s+timeout\s+http_503\s+non_idempotent;")
        self.assertRegex(recognize, r"proxy_next_upstream_tries\s+[2-9];")
        self.assertRegex(recognize, r"proxy_next_upstream_timeout\s+\d+s;")
        servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ (.*);$", conf, re.M)
        self.assertEqual(len(servers), 3)
        for params in servers:
            self.assertRegex(params, r"max_fails=\d+")
            self.assertRegex(params, r"fail_timeout=\d+s")
        # A model answer takes tens of seconds: nginx must wait for it.
        read_timeout = re.search(r"proxy_read_timeout\s+(\d+)s;", conf).group(1)
        self.assertGreaterEqual(int(read_timeout), 60)
        # Server-sent events: cardmintd's X-Accel-Buffering: no must be honoured.
        self.assertNotRegex(conf, r"proxy_ignore_headers[^;]*X-Accel-Buffering")
        self.assertNotRegex(recognize, r"proxy_request_buffering\s+off")  # retries need the body


class Systemd(unittest.TestCase):
    def setUp(self):
        self.unit_path = os.path.join(ARGS.deploy_dir, "systemd", "cardmintd.service")
        self.unit = read(self.unit_path)

    def setting(self, key):
        return re.search(rf"^{key}=(.*)$", self.unit, re.M).group(1)

    def test_restarts_on_failure_and_drains_on_sigterm(self):
        self.assertEqual(self.setting("Restart"), "on-failure")
        self.assertEqual(self.setting("KillSignal"), "SIGTERM")
        self.assertGreaterEqual(int(self.setting("TimeoutStopSec")), 120)
        self.assertEqual(self.setting("NoNewPrivileges"), "yes")
        self.assertEqual(self.setting("ProtectSystem"), "strict")

    def test_systemd_analyze_verify(self):
        tool = shutil.which("systemd-analyze")
        if tool is None:
            self.skipTest("systemd-analyze is not installed: the unit was not verified")
        with tempfile.TemporaryDirectory() as d:
            # verify checks that ExecStart exists: point it at this build's cardmintd.
            unit = re.sub(r"^ExecStart=\S+", "ExecStart=" + os.path.abspath(ARGS.cardmintd),
                          self.unit, flags=re.M)
            path = os.path.join(d, "cardmintd.service")
            with open(path, "w") as f:
                f.write(unit)
            result = subprocess.run([tool, "verify", path], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            # Unknown keys and bad values are only warnings: none may name this unit.
            self.assertNotIn("cardmintd.service", result.stdout + result.stderr)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--deploy-dir", required=True)
    parser.add_argument("--cardmintd", required=True)
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
