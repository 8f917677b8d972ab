import { MAX_INPUT_DEPTH, validationFailed, type DomainError } from '@ir/contracts';
import { Composer, LineCounter, Parser, type CST } from 'yaml';

/** Anchors let a manifest repeat options; more aliases than this is no manifest but an expansion attack. */
const MAX_ALIASES = 50;

/**
 * A YAML manifest as a value, within bounds: the `yaml` library composes nodes recursively (about 800
 * nested collections exhaust the stack), so the concrete syntax tree, which its parser builds without
 * recursion, is measured first. Errors say where (line and column) and never pass the parser's
 * own words on.
 */
export function parseYamlManifest(text: string): unknown {
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const excess = firstExcess(tokens);
  if (excess) throw yamlError(excess.message, lines.linePos(excess.offset));
  const documents = [...new Composer({ uniqueKeys: true }).compose(tokens)];
  if (documents.length !== 1) throw yamlError('must hold exactly one YAML document');
  const [document] = documents;
  const [error] = [...document.errors];
  if (error) throw yamlError('is not valid YAML', lines.linePos(error.pos[0]));
  try {
    return document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    // The only failures left are aliases: one before its anchor, or expansions past the count.
    throw yamlError(`has an alias without an anchor before it, or aliases that expand more than ${MAX_ALIASES} times`);
  }
}

type Excess = { message: string; offset: number } | undefined;

/** The first collection nested past MAX_INPUT_DEPTH, or alias past MAX_ALIASES, walking the tree with a stack of its own. */
function firstExcess(tokens: readonly CST.Token[]): Excess {
  let aliases = 0;
  const pending: { token: CST.Token | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (pending.length > 0) {
    const { token, depth } = pending.pop()!;
    if (!token) continue;
    if (token.type === 'alias' && ++aliases > MAX_ALIASES) {
      return { message: `has more than ${MAX_ALIASES} aliases`, offset: token.offset };
    }
    if (token.type === 'document') pending.push({ token: token.value, depth });
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_INPUT_DEPTH) return { message: `nests more than ${MAX_INPUT_DEPTH} levels deep`, offset: token.offset };
      for (const item of token.items) {
        pending.push({ token: item.value, depth: depth + 1 });
        if ('key' in item) pending.push({ token: item.key ?? undefined, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

function yamlError(what: string, at?: { line: number; col: number }): DomainError {
  const where = at ? ` (line ${at.line}, column ${at.col})` : '';
  const message = `the manifest ${what}${where}`;
  return validationFailed([{ field: '(body)', rule: 'yaml', message }], 'manifest');
}
