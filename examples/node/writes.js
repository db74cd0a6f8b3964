// The writes an app built on client-node makes through KubernetesObjectApi (the generic client kubectl-like
// tools use: it finds each kind's resource by discovery), in the kubeconfig's namespace: create, read, the
// strategic merge, merge and apply patches, replace with a stale resourceVersion, list, delete. One line per answer of what the client
// read, so a test can hold a replay's transcript against the real apiserver's; `done` at the end.
const k8s = require('@kubernetes/client-node')

const kc = new k8s.KubeConfig()
kc.loadFromDefault()
const namespace = kc.getContextObject(kc.getCurrentContext()).namespace || 'default'
const api = k8s.KubernetesObjectApi.makeApiClient(kc)
const { PatchStrategy } = k8s

const cm = (name, data, extra = {}) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...extra }, data })
const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1', namespace },
  spec: {
    replicas: 1, selector: { matchLabels: { app: 'd1' } },
    template: { metadata: { labels: { app: 'd1' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }
  }
}

function what (o) {
  if (!o || !o.kind) return String(o && o.status)
  if (o.kind === 'ConfigMap') {
    return `ConfigMap ${JSON.stringify(o.data || {}, Object.keys(o.data || {}).sort())} labels ` +
      `${JSON.stringify(o.metadata.labels || {})} managers ${(o.metadata.managedFields || []).map(m => m.manager).join(',')}`
  }
  if (o.kind === 'Deployment') {
    return `Deployment replicas ${o.spec.replicas} generation ${o.metadata.generation} ` +
      `${o.spec.template.spec.containers.map(c => c.image).join(',')}`
  }
  if (o.kind.endsWith('List')) return `${o.kind} ${o.items.map(i => i.metadata.name).join(',')}`
  return o.kind
}

async function step (name, write) {
  let line
  try {
    line = what(await write())
  } catch (err) {
    if (err.code === undefined) { // not the server's answer: what the client made of it
      line = `client error: ${String(err.message).split('\n')[0]}`
    } else {
      const body = typeof err.body === 'string' ? JSON.parse(err.body) : (err.body || {})
      line = `${err.code} ${body.reason}: ${body.message}`
    }
  }
  process.stdout.write(`${name} : ${line}\n`)
}

async function main () {
  await step('create configmap', () => api.create(cm('c1', { a: '1' })))
  await step('create it again', () => api.create(cm('c1', { a: '1' })))
  await step('read', () => api.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace } }))
  await step('strategic merge patch (the default)', () => api.patch(cm('c1', { b: '2' })))
  await step('merge patch', () => api.patch(cm('c1', { a: null }, { labels: { x: 'y' } }), undefined, undefined,
    undefined, undefined, PatchStrategy.MergePatch))
  await step('server-side apply', () => api.patch(cm('c1', { ap: '1' }), undefined, undefined, 'node-writes', true,
    PatchStrategy.ServerSideApply))
  await step('replace with a stale resourceVersion', () => api.replace(cm('c1', { r: '1' }, { resourceVersion: '1' })))
  await step('replace', async () => {
    const current = await api.read(cm('c1'))
    return api.replace({ ...current, data: { r: '2' } })
  })
  await step('create deployment', () => api.create(deployment))
  await step('new image by strategic merge patch', () => api.patch({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1', namespace },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } }
  }))
  await step('list configmaps', () => api.list('v1', 'ConfigMap', namespace))
  await step('delete configmap', () => api.delete(cm('c1')))
  await step('delete it again', () => api.delete(cm('c1')))
  await step('delete deployment in the foreground', () => api.delete(deployment, undefined, undefined, undefined,
    undefined, 'Foreground'))
  process.stdout.write('done\n')
}

main()
