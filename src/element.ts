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
 * Inline text goes to the frame by postMessage, addressed to the app's origin only, once the
 * frame says it is ready: never in a URL, where it would sit in history and server logs. A
 * frame keeps the app's styles, workers and CSP apart from the docs page.
 */
import type { Shared } from '../workers/engine/model.ts';

// Resolved at run time next to this script, wherever the docs load it from.
const embedUrl = new URL(/* @vite-ignore */ 'embed.html', import.meta.url);

/** What the element sends its frame: who it is talking to, and the inline inputs if any. */
export interface EmbedInit {
  type: 'upstream-doctor:init';
  files?: Shared['files'];
  nginxVersion?: string;
}

class UpstreamDoctor extends HTMLElement {
  static observedAttributes = ['sample', 'nginx-version', 'height'];
  private frame: HTMLIFrameElement | null = null;
  /** The frame has loaded and asked for its inputs (again after each navigation). */
  private ready = false;
  private readonly onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; height?: number } | null;
    if (event.source !== this.frame?.contentWindow || event.origin !== embedUrl.origin) return;
    if (data?.type === 'upstream-doctor:ready') {
      this.ready = true;
      this.send();
    } else if (data?.type === 'upstream-doctor:height') {
      if (!this.hasAttribute('height') && typeof data.height === 'number')
        this.frame.style.height = `${Math.min(Math.ceil(data.height) + 4, 4000)}px`;
    }
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
    this.render();
  }

  disconnectedCallback() {
    removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback() {
    if (this.frame) this.render();
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

  private render() {
    const url = new URL(embedUrl);
    const height = this.getAttribute('height');
    if (height && this.frame) this.frame.style.height = height;
    if (this.inline().length > 0) url.searchParams.set('inline', '');
    else url.searchParams.set('sample', this.getAttribute('sample') ?? '');
    if (this.frame && this.frame.src !== url.href) {
      this.ready = false;
      this.frame.src = url.href;
    } else if (this.ready) this.send();
  }

  /** To the app's origin only: if the frame was navigated elsewhere, nothing is delivered. */
  private send() {
    const files = this.inline();
    const version = this.getAttribute('nginx-version');
    const init: EmbedInit = {
      type: 'upstream-doctor:init',
      ...(files.length > 0 ? { files } : {}),
      ...(version ? { nginxVersion: version } : {}),
    };
    this.frame?.contentWindow?.postMessage(init, embedUrl.origin);
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
