import type { Sample } from './index.ts';

// A report service on GKE: its Ingress (class gce) gets a Google Cloud load balancer that
// waits 30 s for a response unless a BackendConfig says otherwise — and this one only sets
// connection draining — while gunicorn lets an export run for 3 minutes. Exports slower than
// 30 s fail at the balancer (the classic "504 after 30 seconds") while the pod keeps working.
const manifests = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: exports
  namespace: reporting
  annotations:
    kubernetes.io/ingress.class: gce
    kubernetes.io/ingress.global-static-ip-name: exports-ip
spec:
  defaultBackend:
    service:
      name: exports
      port:
        number: 80
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata:
  name: exports-backend
  namespace: reporting
spec:
  connectionDraining:
    drainingTimeoutSec: 30
  healthCheck:
    requestPath: /healthz
---
apiVersion: v1
kind: Service
metadata:
  name: exports
  namespace: reporting
  annotations:
    cloud.google.com/neg: '{"ingress": true}'
    cloud.google.com/backend-config: '{"default": "exports-backend"}'
spec:
  selector:
    app: exports
  ports:
    - port: 80
      targetPort: 8000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: exports
  namespace: reporting
spec:
  replicas: 2
  selector:
    matchLabels:
      app: exports
  template:
    metadata:
      labels:
        app: exports
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: web
          image: europe-docker.pkg.dev/acme/reporting/exports:4.2.0
          command: ["gunicorn", "exports.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "180"]
          ports:
            - containerPort: 8000
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "10"]
`;

const log = `[2026-12-01 09:12:44 +0000] [1] [INFO] Starting gunicorn 22.0.0
[2026-12-01 09:12:44 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)
[2026-12-01 09:12:44 +0000] [7] [INFO] Booting worker with pid: 7
`;

export const sample: Sample = {
  id: 'edge-timeout-gke',
  title: 'GKE Ingress waits 30 s, gunicorn lets exports run 3 minutes: 504s at the balancer',
  log,
  files: [{ name: 'k8s/exports.yaml', text: manifests }],
};
