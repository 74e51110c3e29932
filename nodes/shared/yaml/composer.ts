/**
 * State shared by the block and flow parsers, and the steps every node goes
 * through: counting it, applying its tag, registering its anchor, resolving
 * aliases and turning keys into property names.
 */
import { AnchorTable, DEFAULT_MAX_ALIAS_EXPANSION } from './anchors';
import {
	keyToPropertyName,
	resolveScalar,
	ScalarStyle,
	ScalarValue,
	shortTagName,
	TAG,
} from './coreSchema';
import { Cursor, isBlankOrEnd, isFlowIndicator } from './cursor';
import { NodeProperties, defaultTagHandles, readProperties } from './nodeProperties';

/** Default cap on the nesting depth of collections (protects the call stack). */
export const DEFAULT_MAX_DEPTH = 500;

export interface ParseYamlOptions {
	/** Most nodes that aliases may stand for in total (default 100 000). */
	maxAliasExpansion?: number;
	/** Deepest allowed nesting of collections (default 500). */
	maxDepth?: number;
}

/** A node that has started: what {@link Composer.finishNode} needs to complete it. */
export interface OpenNode {
	props?: NodeProperties;
	nodeCountAtStart: number;
}

export class Composer {
	readonly anchors: AnchorTable;
	/** Tag handles: `!`, `!!` and any declared with `%TAG`. */
	readonly tagHandles = defaultTagHandles();
	private readonly maxDepth: number;
	private depth = 0;

	constructor(
		readonly cursor: Cursor,
		options: ParseYamlOptions = {},
	) {
		this.anchors = new AnchorTable(options.maxAliasExpansion ?? DEFAULT_MAX_ALIAS_EXPANSION);
		this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
	}

	/** Reads the tag and anchor at the cursor (into `into` when given). */
	readProperties(into?: NodeProperties): NodeProperties {
		return readProperties(this.cursor, this.tagHandles, into);
	}

	/** Starts a node: counts it, tracks nesting and opens its anchor. */
	startNode(props: NodeProperties | undefined): OpenNode {
		this.depth++;
		if (this.depth > this.maxDepth) {
			throw this.cursor.error(
				`Collections are nested too deeply (more than ${this.maxDepth} levels)`,
			);
		}
		const open: OpenNode = { props, nodeCountAtStart: this.anchors.nodeCount };
		this.anchors.countNode();
		if (props?.anchor !== undefined) this.anchors.open(props.anchor);
		return open;
	}

	/** Completes a node started with {@link startNode} and registers its anchor. */
	finishNode<T>(open: OpenNode, value: T): T {
		this.depth--;
		if (open.props?.anchor !== undefined) {
			this.anchors.define(open.props.anchor, value, open.nodeCountAtStart);
		}
		return value;
	}

	/**
	 * Rejects a core tag that does not fit a mapping or sequence (`!!str {a: 1}`).
	 * Other tags (`!local`, `!!set`, …) are ignored.
	 */
	checkCollectionTag(props: NodeProperties | undefined, kind: 'mapping' | 'sequence'): void {
		const tag = props?.tag;
		const misfits: string[] = [TAG.str, TAG.int, TAG.float, TAG.bool, TAG.null];
		misfits.push(kind === 'mapping' ? TAG.seq : TAG.map);
		if (tag !== undefined && misfits.includes(tag)) {
			throw this.cursor.error(
				`Tag ${shortTagName(tag)} cannot be applied to a ${kind}`,
				props?.tagAt,
			);
		}
	}

	/** Builds a scalar node from its text. */
	scalar(text: string, style: ScalarStyle, props: NodeProperties | undefined): ScalarValue {
		const open = this.startNode(props);
		const value = resolveScalar(text, style, props?.tag, (reason) =>
			this.cursor.error(reason, props?.tagAt),
		);
		return this.finishNode(open, value);
	}

	/**
	 * Builds a node with no content (`key:` with nothing after it). It is null
	 * unless a tag says otherwise: `!!str` gives "", `!!map` {}, `!!seq` [].
	 */
	emptyNode(props: NodeProperties | undefined): unknown {
		const tag = props?.tag;
		const open = this.startNode(props);
		let value: unknown;
		if (tag === TAG.map) value = {};
		else if (tag === TAG.seq) value = [];
		else if (tag === undefined || tag === TAG.null) value = null;
		else value = '';
		return this.finishNode(open, value);
	}

	/** Reads `*name` at the cursor and returns the anchored value. */
	alias(props: NodeProperties | undefined): unknown {
		const at = this.cursor.pos;
		if (props !== undefined) {
			throw this.cursor.error('An alias cannot have a tag or an anchor', props.start);
		}
		this.cursor.pos++;
		const start = this.cursor.pos;
		while (!isBlankOrEnd(this.cursor.peek()) && !isFlowIndicator(this.cursor.peek())) {
			this.cursor.pos++;
		}
		const name = this.cursor.src.slice(start, this.cursor.pos);
		if (name === '') throw this.cursor.error('Alias name is missing after *', at);

		const found = this.anchors.resolve(name);
		if (found.ok) return found.value;
		switch (found.reason) {
			case 'recursive':
				throw this.cursor.error(
					`Alias *${name} is used inside the node it refers to; recursive aliases are not supported`,
					at,
				);
			case 'budget':
				throw this.cursor.error(
					`Aliases expand to more than ${this.anchors.maxAliasExpansion} nodes (possible "billion laughs" document)`,
					at,
				);
			default:
				throw this.cursor.error(`Unknown alias *${name} (no anchor &${name} before it)`, at);
		}
	}

	/**
	 * Turns a parsed key into a property name. Scalars are stringified as
	 * `YAML.parse` does; collections cannot be keys.
	 */
	propertyName(key: unknown, at: number): string {
		if (typeof key === 'object' && key !== null) {
			throw this.cursor.error('Mappings and sequences cannot be used as mapping keys', at);
		}
		return keyToPropertyName(key as ScalarValue);
	}
}
