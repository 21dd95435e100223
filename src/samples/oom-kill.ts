import type { Sample } from './index.ts';

// Image resizing workers outgrow the container's memory limit and the kernel kills them.
const log = `2026/07/21 10:41:02 [error] 30#30: *2210 upstream prematurely closed connection while reading response header from upstream, client: 10.9.0.12, server: media.internal, request: "POST /resize HTTP/1.1", upstream: "http://10.44.1.8:8000/resize", host: "media.internal"
2026/07/21 10:58:37 [error] 30#30: *2877 upstream prematurely closed connection while reading response header from upstream, client: 10.9.0.17, server: media.internal, request: "POST /resize HTTP/1.1", upstream: "http://10.44.1.9:8000/resize", host: "media.internal"
[2026-07-21 10:41:02 +0000] [1] [WARNING] Worker (pid:412) was sent SIGKILL! Perhaps out of memory?
[2026-07-21 10:41:02 +0000] [530] [INFO] Booting worker with pid: 530
[2026-07-21 10:58:37 +0000] [1] [WARNING] Worker (pid:530) was sent SIGKILL! Perhaps out of memory?
[Tue Jul 21 10:41:02 2026] Memory cgroup out of memory: Killed process 412 (gunicorn) total-vm:612332kB, anon-rss:301220kB, file-rss:9120kB, shmem-rss:0kB, UID:1000 pgtables:820kB oom_score_adj:999
[Tue Jul 21 10:58:37 2026] Memory cgroup out of memory: Killed process 530 (gunicorn) total-vm:609004kB, anon-rss:298112kB, file-rss:9004kB, shmem-rss:0kB, UID:1000 pgtables:816kB oom_score_adj:999
`;

const nginx = `server {
    listen 80;
    server_name media.internal;
    client_max_body_size 20m;

    location / {
        proxy_pass http://media:8000;
        proxy_set_header Host $host;
    }
}
`;

const gunicorn = `bind = "0.0.0.0:8000"
workers = 4
timeout = 60
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: media
spec:
  replicas: 2
  selector:
    matchLabels:
      app: media
  template:
    metadata:
      labels:
        app: media
    spec:
      containers:
        - name: web
          image: registry.example.com/media:2.3.1
          command: ["gunicorn", "-c", "/app/gunicorn.conf.py", "media.wsgi"]
          ports:
            - containerPort: 8000
          resources:
            limits:
              memory: 1Gi
`;

export const sample: Sample = {
  id: 'oom-kill',
  title: 'Out of memory: the kernel kills app workers mid-request',
  log,
  nginxVersion: '1.25.3',
  files: [
    { name: 'media.conf', text: nginx },
    { name: 'gunicorn.conf.py', text: gunicorn },
    { name: 'deployment.yaml', text: deployment },
  ],
};
