/**
 * Registers the nginx language with Monaco. Until the Monarch grammar lands
 * (src/monaco/nginx-language.ts), nginx files are shown as plain text.
 */
import { languages } from 'monaco-editor/editor';

export function registerNginx(): void {
  languages.register({ id: 'nginx', extensions: ['.conf'], aliases: ['nginx'] });
}
