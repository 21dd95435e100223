/**
 * `<upstream-doctor>`: a live example for internal docs. Built as its own small script
 * (dist/upstream-doctor.js, no hash in the name so docs can link it) that shows embed.html in
 * a frame next to it:
 *
 *   <upstream-doctor sample="keepalive-race"></upstream-doctor>
 *   <upstream-doctor>
 *     <script type="text/plain" data-name="nginx.conf">…config text…</script>
 *     <script type="text/plain" data-name="error.log">…log lines…</script>
 *   </upstream-doctor>
 *
 * Inline text goes to the frame in the URL fragment (never sent to a server). A frame keeps
 * the app's styles, workers and CSP apart from the docs page.
 */
import { encodeShare, SHARE_PREFIX, type Shared } from './lib/share.ts';

// Resolved at run time next to this script, wherever the docs load it from.
const embedUrl = new URL(/* @vite-ignore */ 'embed.html', import.meta.url);

class UpstreamDoctor extends HTMLElement {
  static observedAttributes = ['sample', 'nginx-version', 'height'];
  private frame: HTMLIFrameElement | null = null;
  private readonly onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; height?: number } | null;
    if (event.source !== this.frame?.contentWindow || data?.type !== 'upstream-doctor:height')
      return;
    if (!this.hasAttribute('height') && typeof data.height === 'number')
      this.frame.style.height = `${Math.min(Math.ceil(data.height) + 4, 4000)}px`;
  };

  connectedCallback() {
    if (!this.frame) {
      const root = this.attachShadow({ mode: 'open' });
      this.frame = document.createElement('iframe');
      this.frame.title = this.getAttribute('title') ?? 'upstream-doctor live example';
      this.frame.style.cssText =
        'width:100%;height:32rem;border:1px solid #d7dadf;border-radius:8px;display:block';
      root.append(this.frame);
    }
    addEventListener('message', this.onMessage);
    void this.render();
  }

  disconnectedCallback() {
    removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback() {
    if (this.frame) void this.render();
  }

  /** Inline inputs: `<script type="text/plain" data-name>` children, else the text content. */
  private inline(): Shared['files'] {
    const scripts = [...this.querySelectorAll('script[type="text/plain"]')];
    if (scripts.length > 0)
      return scripts.map((s, i) => ({
        name: s.getAttribute('data-name') ?? `input ${i + 1}`,
        text: dedent(s.textContent ?? ''),
      }));
    const text = dedent(this.textContent ?? '');
    return text.trim() ? [{ name: 'pasted', text }] : [];
  }

  private async render() {
    const url = new URL(embedUrl);
    const height = this.getAttribute('height');
    if (height && this.frame) this.frame.style.height = height;
    const files = this.inline();
    if (files.length > 0) {
      const version = this.getAttribute('nginx-version');
      url.hash =
        SHARE_PREFIX.slice(1) +
        (await encodeShare({ v: 1, files, ...(version ? { nginxVersion: version } : {}) }));
    } else {
      url.searchParams.set('sample', this.getAttribute('sample') ?? '');
    }
    if (this.frame && this.frame.src !== url.href) this.frame.src = url.href;
  }
}

/** Docs indent inline text with the HTML around it; configs read better without that. */
function dedent(text: string): string {
  const lines = text
    .replace(/^\s*\n/, '')
    .trimEnd()
    .concat('\n')
    .split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

if (!customElements.get('upstream-doctor'))
  customElements.define('upstream-doctor', UpstreamDoctor);
