/**
 * Apache httpd config: directives with their sections and lines, continuation lines, the
 * settings one server runs with across its files (server level over the first virtual host
 * over httpd's defaults), where it listens; nginx configs are not Apache's and Apache's not
 * nginx's; errors name their line; parsing never throws and gives every text back; edits
 * change the value where it is written or add one line.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import {
  apacheListens,
  apacheSettings,
  handler as apache,
  setApacheDirective,
  type ApacheTree,
} from '../../workers/engine/formats/apache/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import { CORPUS, corpusFiles } from './corpus.ts';
import { APACHE, apacheTest } from '../rules/lib/app-server-oracles.ts';

const parse = (name: string, text: string) => apache.parse(name, text) as ParsedFile<ApacheTree>;
const set = (name: string, text: string, directive: string, value: number) =>
  applyEdits(text, setApacheDirective(parse(name, text), directive, value));

const MAIN = [
  '# Global configuration',
  'ServerRoot "/etc/apache2"',
  'Timeout 300',
  'KeepAlive On',
  'MaxKeepAliveRequests 100',
  '',
  '<IfModule mpm_event_module>',
  '    KeepAliveTimeout 15',
  '</IfModule>',
  'LogFormat "%h %l %u %t \\"%r\\" %>s %O" \\',
  '    common',
  'IncludeOptional sites-enabled/*.conf',
  '',
].join('\n');
const SITE = [
  '<VirtualHost *:8080>',
  '    ServerName shop.example.com',
  '    KeepAliveTimeout 3',
  '    <Directory /srv/shop>',
  '        Require all granted',
  '    </Directory>',
  '</VirtualHost>',
  '',
].join('\n');

describe('Apache httpd', () => {
  it('directives with their sections and lines; a continued line is one directive', () => {
    const p = parse('apache2.conf', MAIN);
    expect(p.errors).toEqual([]);
    expect(detectKind('apache2.conf', MAIN).kind).toBe('apache');
    const keep = p.tree.directives.find((d) => d.name === 'KeepAliveTimeout')!;
    expect(keep).toMatchObject({ args: '15', line: 8, sections: ['IfModule mpm_event_module'] });
    const log = p.tree.directives.find((d) => d.name === 'LogFormat')!;
    expect(log.line).toBe(10);
    expect(log.args.endsWith('common')).toBe(true);
    expect(p.tree.directives.map((d) => d.name).at(-1)).toBe('IncludeOptional');
  });

  it('one server across its files: server level (inside IfModule too) over the first virtual host, over the defaults', () => {
    const both = [parse('apache2.conf', MAIN), parse('sites-enabled/shop.conf', SITE)];
    const s = apacheSettings(both);
    expect(s.KeepAliveTimeout).toMatchObject({
      value: '15',
      source: { file: 'apache2.conf', line: 8 },
    });
    expect(s.Timeout).toMatchObject({ value: '300', source: { line: 3 } });
    expect(s.GracefulShutdownTimeout!.source).toMatchObject({
      default: expect.stringContaining('Apache'),
    });
    // The site alone: its virtual host's value; milliseconds read as seconds.
    expect(apacheSettings([parse('shop.conf', SITE)]).KeepAliveTimeout!.value).toBe('3');
    const ms = parse('httpd.conf', 'Listen 8080\nKeepAliveTimeout 300ms\n');
    expect(apacheSettings([ms]).KeepAliveTimeout!.value).toBe('0.3');
    const units = parse('httpd.conf', 'Listen 8080\nKeepAliveTimeout 65s\nTimeout 2mi\n');
    expect(apacheSettings([units]).KeepAliveTimeout!.value).toBe('65');
    expect(apacheSettings([units]).Timeout!.value).toBe('120');
    expect(apacheSettings([parse('x.conf', 'Listen 80\n')]).KeepAliveTimeout!.value).toBe('5');
  });

  it('where it listens: Listen lines, else its virtual hosts’ ports', () => {
    const ports = parse(
      'ports.conf',
      'Listen 127.0.0.1:8080\n<IfModule ssl_module>\n    Listen 443 https\n</IfModule>\n',
    );
    expect(apacheListens([ports]).map((l) => [l.address, l.tls, l.line])).toEqual([
      ['127.0.0.1:8080', false, 1],
      ['443', true, 3],
    ]);
    expect(apacheListens([parse('shop.conf', SITE)]).map((l) => l.address)).toEqual(['8080']);
  });

  it('nginx is not Apache, and Apache is not nginx', () => {
    const nginx =
      'server {\n    listen 8080;\n    server_name shop.example.com;\n    root /srv/shop;\n}\n';
    expect(detectKind('shop.conf', nginx).kind).toBe('nginx');
    expect(apache.detect('shop.conf', nginx)).toBe(0);
    expect(detectKind('shop.conf', SITE).kind).toBe('apache');
    expect(apache.detect('notes.txt', 'we run Apache behind nginx, KeepAlive is on')).toBe(0);
  });

  it('errors say the line: a section never closed, a close that matches nothing or another section', () => {
    expect(parse('a.conf', '<VirtualHost *:80>\n    ServerName a\n').errors).toEqual([
      { line: 1, message: '<VirtualHost> opened here is never closed' },
    ]);
    expect(parse('a.conf', 'Listen 80\n</Directory>\n').errors).toEqual([
      { line: 2, message: '</Directory> closes no open section' },
    ]);
    expect(parse('a.conf', '<VirtualHost *:80>\n</Directory>\n</VirtualHost>\n').errors).toEqual([
      { line: 2, message: '</Directory> closes <VirtualHost> opened on line 1' },
    ]);
    expect(parse('a.conf', 'Listen 80\n= 5\n').errors).toEqual([
      { line: 2, message: 'not an Apache directive, comment or section line' },
    ]);
  });

  it('edits: the value replaced where written; else a line after the last server-level directive; else in each virtual host', () => {
    expect(set('apache2.conf', MAIN, 'KeepAliveTimeout', 65)).toBe(
      MAIN.replace('KeepAliveTimeout 15', 'KeepAliveTimeout 65'),
    );
    expect(set('httpd.conf', 'Listen 8080\nKeepAlive On\n', 'KeepAliveTimeout', 65)).toBe(
      'Listen 8080\nKeepAlive On\nKeepAliveTimeout 65\n',
    );
    const bare = SITE.replace('    KeepAliveTimeout 3\n', '');
    expect(set('shop.conf', bare, 'KeepAliveTimeout', 65)).toBe(
      bare.replace('<VirtualHost *:8080>\n', '<VirtualHost *:8080>\n    KeepAliveTimeout 65\n'),
    );
    expect(set('shop.conf', SITE, 'KeepAliveTimeout', 65)).toBe(SITE.replace(' 3\n', ' 65\n'));
  });

  it.skipIf(!APACHE)('the real apache2 -t accepts every edited file', () => {
    const bare = SITE.replace('    KeepAliveTimeout 3\n', '');
    for (const [name, text] of [
      ['apache2.conf', MAIN],
      ['httpd.conf', 'Listen 8080\nKeepAlive On\n'],
      ['shop.conf', bare],
      ['shop.conf', SITE],
    ] as const)
      expect(apacheTest(set(name, text, 'KeepAliveTimeout', 65)), name).toBeNull();
    // The oracle can fail (Apache takes any number, but not a name it does not know).
    expect(apacheTest('Listen 8080\nKeepAliveTimeot 65\n')).toMatch(/Invalid command/);
  });

  it('property: never throws, always gives the text back', () => {
    const parts = fc.constantFrom(
      '<VirtualHost *:80>',
      '</VirtualHost>',
      '<IfModule x>',
      '</IfModule>',
      'KeepAliveTimeout 5',
      'Listen 8080',
      '\\',
      '#',
      '"',
      '<',
      '>',
      '\n',
      '\r\n',
      '    ',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(parts, fc.string()), { maxLength: 40 }), (bits) => {
        const text = bits.join('');
        const p = parse('apache2.conf', text);
        expect(p.print()).toBe(text);
        apacheSettings([p]);
        apacheListens([p]);
        p.settings();
        for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
        for (const edit of setApacheDirective(p, 'KeepAliveTimeout', 65)) {
          expect(edit.start).toBeLessThanOrEqual(edit.end);
          expect(edit.end).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('the corpus: every real file prints back byte for byte, none is Apache', () => {
    const files = ['nginx', 'gunicorn', 'uwsgi', 'k8s'].flatMap((f) => corpusFiles(f));
    expect(files.length, CORPUS).toBeGreaterThan(40);
    for (const f of files) {
      expect(apache.parse(f.name, f.text).print(), f.name).toBe(f.text);
      expect(detectKind(f.name, f.text).kind, f.name).not.toBe('apache');
    }
  });
});
