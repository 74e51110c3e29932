/**
 * Anchors (`&name`) and aliases (`*name`), with a budget against "billion
 * laughs" documents: a few lines of nested aliases can stand for billions of
 * nodes once the result is serialised. Every node is counted, an alias counts
 * as the whole subtree it stands for, and the nodes reached through aliases
 * must stay below a limit.
 */

/** Default cap on nodes reached through aliases. */
export const DEFAULT_MAX_ALIAS_EXPANSION = 100_000;

interface Anchor {
	value: unknown;
	/** Number of nodes in the anchored subtree, aliases expanded. */
	size: number;
}

export type AliasLookup =
	| { ok: true; value: unknown }
	| { ok: false; reason: 'unknown' | 'recursive' | 'budget' };

export class AnchorTable {
	private readonly anchors = new Map<string, Anchor>();
	/** Anchors whose node is still being parsed. */
	private readonly pending = new Map<string, number>();
	private nodes = 0;
	private expandedThroughAliases = 0;

	constructor(readonly maxAliasExpansion: number = DEFAULT_MAX_ALIAS_EXPANSION) {}

	/** Nodes counted so far, aliases expanded. */
	get nodeCount(): number {
		return this.nodes;
	}

	/** Counts one parsed node. */
	countNode(): void {
		this.nodes++;
	}

	/** Marks the start of a node carrying `&name`. */
	open(name: string): void {
		this.pending.set(name, (this.pending.get(name) ?? 0) + 1);
	}

	/** Records the value of a node carrying `&name`; `nodeCountAtStart` comes from {@link nodeCount}. */
	define(name: string, value: unknown, nodeCountAtStart: number): void {
		const stillOpen = (this.pending.get(name) ?? 1) - 1;
		if (stillOpen > 0) this.pending.set(name, stillOpen);
		else this.pending.delete(name);
		this.anchors.set(name, { value, size: this.nodes - nodeCountAtStart });
	}

	/** Looks up `*name` and charges its size to the alias budget. */
	resolve(name: string): AliasLookup {
		// An alias inside the node that carries its anchor would make a cycle.
		if (this.pending.has(name)) return { ok: false, reason: 'recursive' };
		const anchor = this.anchors.get(name);
		if (anchor === undefined) return { ok: false, reason: 'unknown' };
		this.nodes += anchor.size;
		this.expandedThroughAliases += anchor.size;
		if (this.expandedThroughAliases > this.maxAliasExpansion) {
			return { ok: false, reason: 'budget' };
		}
		return { ok: true, value: anchor.value };
	}
}
