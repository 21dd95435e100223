/** Kubernetes test inputs shared by the parse and edit tests. */
import { Lexer } from 'yaml';
import { handler, type KubernetesTree } from '../../workers/engine/formats/kubernetes/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { corpusFiles } from './corpus.ts';

export const parse = (text: string, name = 'deploy.yaml') =>
  handler.parse(name, text) as ParsedFile<KubernetesTree>;
export const files = corpusFiles('k8s');
export const corpus = (prefix: string) => files.find((f) => f.name.startsWith(prefix))!;
/** Every comment token of a YAML text, in order. */
export const comments = (text: string) =>
  Array.from(new Lexer().lex(text)).filter((t) => t.startsWith('#'));

export const GUNICORN_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the API
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/app:1
          command: ["gunicorn"]
          args: ["--workers", "$(WORKERS)", "--timeout", "120", "--bind", "0.0.0.0:$(PORT)", "app:app"]
          env:
            - name: WORKERS
              value: "4"
            - name: GUNICORN_CMD_ARGS
              value: "--keep-alive 5 --timeout 10"
            - name: SECRET
              valueFrom:
                secretKeyRef: {name: s, key: k}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
data:
  proxy-read-timeout: "30"
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"
spec:
  ingressClassName: nginx
  rules:
    - host: api.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8000
`;
