/** Registers the nginx language (grammar in nginx-language.ts) with Monaco. */
import { languages } from 'monaco-editor/editor';
import { nginxLanguage, nginxLanguageConfiguration } from './nginx-language.ts';

export function registerNginx(): void {
  languages.register({ id: 'nginx', extensions: ['.conf'], aliases: ['nginx'] });
  languages.setMonarchTokensProvider('nginx', nginxLanguage);
  languages.setLanguageConfiguration('nginx', nginxLanguageConfiguration);
}
