/** A Deployment `web` (label app: web) whose one container `app` runs `command` (a YAML flow list). */
export const webDeployment = (command: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: shop/web:1.4.2
          command: ${command}
`;
