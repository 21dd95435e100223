import type { SourceFile } from '../../workers/engine/model.ts';

/** A bundled incident: what a user would paste. Written for this app, not taken from anywhere. */
export interface Sample {
  id: string;
  title: string;
  /** The pasted log lines. */
  log: string;
  files: SourceFile[];
  nginxVersion?: string;
}

/** Loaded on demand so samples never weigh on the first chunk. */
export const samples: { id: string; title: string; load: () => Promise<Sample> }[] = [
  {
    id: 'keepalive-inert',
    title: 'Keepalive pool that never keeps a connection (port exhaustion)',
    load: async () => (await import('./keepalive-inert.ts')).sample,
  },
];

export const defaultSampleId = 'keepalive-inert';
