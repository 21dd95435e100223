import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The built pages' Content-Security-Policy: nothing from any other origin, ever. Monaco needs
 * inline styles (it injects them at run time) and loads its codicon font; workers are
 * same-origin module files. Only in the build: the dev server's HMR needs inline scripts and
 * a websocket. (frame-ancestors cannot be set from a meta tag: embed.html may be framed.)
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "font-src 'self' data:",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const csp: Plugin = {
  name: 'content-security-policy',
  apply: 'build',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy },
      injectTo: 'head-prepend',
    },
  ],
};

export default defineConfig({
  // Relative URLs everywhere, so the same build works from any path on any host
  // (https://tools.internal/upstream-doctor/ as well as a site root).
  base: './',
  plugins: [
    csp,
    svelte(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'upstream-doctor',
        short_name: 'upstream-doctor',
        description:
          'Explains nginx 502/504 upstream errors from your own logs and configs, with a verified fix. Works offline.',
        theme_color: '#1c6ed6',
        background_color: '#fbfbfa',
        display: 'standalone',
        // Relative to the manifest: the folder the app is served from.
        start_url: './',
        scope: './',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // Everything the app needs, Monaco and both workers included, so a reload with the
        // network gone works. Monaco's chunk is over workbox's 2 MiB default.
        globPatterns: ['**/*.{js,css,html,svg,png,ttf,woff2,webmanifest}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        // Resolved against the service worker's own folder, wherever the app is served from.
        navigateFallback: 'index.html',
        // embed.html is its own page, not the app shell.
        navigateFallbackDenylist: [/\/embed\.html$/],
        cleanupOutdatedCaches: true,
        // The first install takes control at once so the app works offline from the first visit;
        // later versions still wait for the user's "Reload to update".
        clientsClaim: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // The app, the embeddable page, and the custom element docs pages load by a stable name.
      input: { main: 'index.html', embed: 'embed.html', element: 'src/element.ts' },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'element' ? 'upstream-doctor.js' : 'assets/[name]-[hash].js',
      },
    },
  },
});
