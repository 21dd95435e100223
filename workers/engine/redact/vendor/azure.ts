/**
 * Azure storage account keys and Service Bus/Event Hubs shared access keys inside connection
 * strings, and Entra ID (Azure AD) client secrets (`…8Q~…`). SAS `sig=` parameters are URL
 * query secrets (common/query.ts).
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const ACCOUNT_KEY = /AccountKey=([A-Za-z0-9+/]{86}==)/dg;
const SHARED_ACCESS_KEY = /SharedAccessKey=([A-Za-z0-9+/=]{40,100})/dg;
const CLIENT_SECRET =
  /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/dg;

export function findAzure(text: string): Candidate[] {
  return [
    ...regexCandidates(text, ACCOUNT_KEY, 'azure-storage-key', 'vendor', 1),
    ...regexCandidates(text, SHARED_ACCESS_KEY, 'azure-shared-access-key', 'vendor', 1),
    ...regexCandidates(text, CLIENT_SECRET, 'azure-client-secret', 'vendor'),
  ];
}
