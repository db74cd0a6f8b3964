// A client-node ListWatch (informer) on pods in `default`, the way apps use it: list, watch,
// re-watch on end of stream, relist on 410. Prints one line per callback and runs until SIGTERM.
// Kubeconfig: $KUBECONFIG (kc.loadFromDefault). On an error the informer stops; like upstream's
// informer example it is restarted after a delay (LISTWATCH_RESTART_MS, default 5000).
const k8s = require('@kubernetes/client-node')

const kc = new k8s.KubeConfig()
kc.loadFromDefault()
const api = kc.makeApiClient(k8s.CoreV1Api)
const namespace = 'default'
const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${namespace}/pods`,
  () => api.listNamespacedPod({ namespace }))
const restartMs = Number(process.env.LISTWATCH_RESTART_MS || 5000)

let stopping = false
const say = (line) => { if (!stopping) process.stdout.write(`${line}\n`) }
informer.on('add', (obj) => say(`ADDED : ${obj.metadata.name}`))
informer.on('update', (obj) => say(`UPDATE : ${obj.metadata.name}`))
informer.on('delete', (obj) => say(`DELETE : ${obj.metadata.name}`))
informer.on('connect', () => say('CONNECT'))
informer.on('error', (err) => {
  const code = err.statusCode || err.code || ''
  say(`ERROR : ${code} ${String(err.message || err).split('\n')[0]}`)
  if (!stopping) setTimeout(() => informer.start(), restartMs)
})
// stop() aborts the watch request, which reports an abort error: not the server's doing, so muted.
process.on('SIGTERM', () => { stopping = true; informer.stop(); process.exit(0) })
informer.start()
