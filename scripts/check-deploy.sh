#!/usr/bin/env bash
# Checks the recipes in deploy/ with what this machine has (no container runtime is assumed):
#  - systemd units: systemd-analyze verify (when systemd-analyze is installed);
#  - nginx snippet: nginx -t with the snippet included (the reverse-proxy test also runs it);
#  - Kubernetes manifests: validated against the Kubernetes OpenAPI schemas (kubernetes-models);
#  - compose file and Kubernetes manifests: parse as YAML, and the properties sspr relies on are present
#    (enableServiceLinks: false, probes on /healthz and /readyz, the master key from a Secret file, non-root,
#    read-only root file system);
#  - Dockerfile: every COPY source exists, and its build stage's steps (build, entry point, health path) hold
#    for this checkout;
#  - memory settings (docs/operations.md): the server's systemd unit and the image's entry point start node with
#    --max-semi-space-size and set MALLOC_ARENA_MAX; the Kubernetes manifests and the compose file keep the
#    image's entry point (they give arguments, never a command).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-deploy: $*" >&2; exit 1; }

if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify deploy/systemd/sspr.service deploy/systemd/sspr-agent.service || fail "systemd units do not verify"
  echo "systemd units: verified"
else
  echo "systemd units: systemd-analyze not installed, skipped"
fi

if [ -x /usr/sbin/nginx ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  cat > "$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http {
  upstream sspr { server 127.0.0.1:8080; }
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server { listen 127.0.0.1:18080; include $PWD/deploy/nginx/sspr-location.conf; }
}
CONF
  /usr/sbin/nginx -t -q -p "$tmp" -c "$tmp/nginx.conf" || fail "the nginx snippet does not load"
  echo "nginx snippet: loads"
fi

node --input-type=module - <<'JS'
import { readFileSync, existsSync } from 'node:fs';
import { load, loadAll, CORE_SCHEMA, mergeTag } from 'js-yaml';
const fail = (message) => { console.error(`check-deploy: ${message}`); process.exit(1); };

const compose = load(readFileSync('deploy/compose/compose.yaml', 'utf8'), { schema: CORE_SCHEMA.withTags(mergeTag) });
for (const name of ['db', 'sspr-1', 'sspr-2', 'agent', 'proxy']) if (!compose.services?.[name]) fail(`compose: no service ${name}`);
for (const name of ['sspr-1', 'sspr-2']) {
  const node = compose.services[name];
  if (!node.read_only) fail(`compose: ${name} is not read_only`);
  if (node.environment?.SSPR_SECRETS_MASTER_KEY_FILE !== '/run/secrets/master-key') fail(`compose: ${name} does not read the shared master key`);
}
console.log('compose file: parses; two nodes share one master key');

const docs = loadAll(readFileSync('deploy/kubernetes/sspr.yaml', 'utf8')).filter(Boolean);
const kinds = docs.map((doc) => `${doc.kind}/${doc.metadata?.name}`);
// Each object against the Kubernetes OpenAPI schema of its apiVersion/kind (kubernetes-models bundles the compiled
// validators: types, enums and required fields; unknown fields are not flagged by these schemas).
for (const doc of docs) {
  let model;
  try {
    model = await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`);
  } catch {
    fail(`kubernetes: ${doc.apiVersion} ${doc.kind} is not a known Kubernetes kind`);
  }
  try {
    new model[doc.kind](doc).validate();
  } catch (error) {
    fail(`kubernetes: ${doc.kind}/${doc.metadata?.name} does not match the Kubernetes schema: ${error.message}`);
  }
}
for (const wanted of ['Deployment/sspr', 'Service/sspr', 'PodDisruptionBudget/sspr', 'Deployment/sspr-agent']) if (!kinds.includes(wanted)) fail(`kubernetes: no ${wanted}`);
for (const doc of docs.filter((d) => d.kind === 'Deployment')) {
  const pod = doc.spec.template.spec;
  if (pod.enableServiceLinks !== false) fail(`kubernetes: ${doc.metadata.name} lacks enableServiceLinks: false`);
  if (!pod.securityContext?.runAsNonRoot) fail(`kubernetes: ${doc.metadata.name} may run as root`);
  for (const c of pod.containers) if (!c.securityContext?.readOnlyRootFilesystem) fail(`kubernetes: ${c.name} root fs is writable`);
}
const server = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'sspr').spec.template.spec.containers[0];
if (server.readinessProbe?.httpGet?.path !== '/readyz' || server.livenessProbe?.httpGet?.path !== '/healthz') fail('kubernetes: probes');
if (!server.env.some((e) => e.name === 'SSPR_SECRETS_MASTER_KEY_FILE')) fail('kubernetes: the master key does not come from the Secret');
console.log(`kubernetes manifests: valid against the Kubernetes schemas (${kinds.join(', ')}); service links off, probes, non-root, read-only`);

const dockerfile = readFileSync('deploy/Dockerfile', 'utf8');
for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
  for (const source of sources.split(/\s+/)) if (!existsSync(source)) fail(`Dockerfile: COPY ${source} does not exist`);
}
if (!existsSync('dist/cli/main.js')) fail('Dockerfile: dist/cli/main.js (the entry point) is not built: npm run build');
const routes = readFileSync('src/web/health.ts', 'utf8');
for (const [, path] of dockerfile.matchAll(/127\.0\.0\.1:'\+\(process\.env\.SSPR_PORT\|\|8080\)\+'(\/\w+)'/g)) if (!routes.includes(`'${path}'`)) fail(`Dockerfile: HEALTHCHECK path ${path} is not a route`);
console.log('Dockerfile: COPY sources exist, entry point built, health check path is a route');

const SEMI_SPACE = '--max-semi-space-size=2';
const unit = readFileSync('deploy/systemd/sspr.service', 'utf8');
if (!new RegExp(`^ExecStart=\\S*node ${SEMI_SPACE} \\S+/dist/cli/main\\.js serve$`, 'm').test(unit)) fail(`systemd: sspr.service does not start node with ${SEMI_SPACE}`);
if (!/^Environment=MALLOC_ARENA_MAX=2$/m.test(unit)) fail('systemd: sspr.service does not set MALLOC_ARENA_MAX=2');
const entry = dockerfile.match(/^ENTRYPOINT (\[.*\])$/m);
if (!entry || JSON.parse(entry[1])[1] !== SEMI_SPACE) fail(`Dockerfile: the entry point does not start node with ${SEMI_SPACE}`);
if (!JSON.parse(readFileSync('package.json', 'utf8')).scripts.start.includes(`node ${SEMI_SPACE} `)) fail(`package.json: npm start does not start node with ${SEMI_SPACE}`);
if (!/^\s+MALLOC_ARENA_MAX=2 \\$/m.test(dockerfile)) fail('Dockerfile: MALLOC_ARENA_MAX=2 is not in the image environment');
for (const doc of docs.filter((d) => d.kind === 'Deployment')) for (const c of doc.spec.template.spec.containers) if (c.command) fail(`kubernetes: ${c.name} replaces the image's entry point (and its memory settings)`);
for (const [name, service] of Object.entries(compose.services)) if (String(service.image).includes('sspr') && service.entrypoint) fail(`compose: ${name} replaces the image's entry point (and its memory settings)`);
console.log(`memory settings: ${SEMI_SPACE} and MALLOC_ARENA_MAX=2 in the systemd unit and the image, ${SEMI_SPACE} in npm start; manifests keep the entry point`);
JS
