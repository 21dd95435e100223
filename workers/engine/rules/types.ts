import type {
  Cause,
  ComparedValue,
  Edit,
  Evidence,
  FixSafety,
  Incident,
  LogEvent,
  Severity,
} from '../model.ts';
import type { Topology } from '../topology/index.ts';

/** What every rule declares about itself, ESLint-style: the docs live beside the check. */
export interface RuleMeta {
  id: string;
  cause: Cause;
  severity: Severity;
  title: string;
  /** What the rule detects and why it matters, for the page and the README. */
  docs: string;
  /** Why the fix has the safety it has, after Ruff's "Fix safety" notes. */
  fixSafety: string;
}

export interface RuleContext {
  topology: Topology;
  events: readonly LogEvent[];
  incidents: readonly Incident[];
}

/** One occurrence of a rule's condition, with the edits that would remove it. */
export interface RuleHit {
  /**
   * Identifies this occurrence across re-analyses (line numbers move when fixes are applied),
   * e.g. "shop.conf: location /api/ -> upstream shop_api". Fix verification compares keys.
   */
  key: string;
  title?: string;
  message: string;
  evidence: Evidence[];
  compared?: ComparedValue[];
  /** Decoded log events this hit explains; they rank it above hits that only hold in configs. */
  explains?: readonly LogEvent[];
  /**
   * Holds only once another finding's fix is applied (a race on a pool nginx cannot use yet):
   * ranked below every finding that holds now.
   */
  latent?: boolean;
  fix?: RuleFix;
  /**
   * A stronger change offered instead of `fix` when the user opts in (it is unsafe): `fix` is
   * the safe change that stops the failure, this one the change that removes its reason.
   */
  optIn?: RuleFix;
}

export interface RuleFix {
  safety: FixSafety;
  description: string;
  edits: Edit[];
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): RuleHit[];
}
