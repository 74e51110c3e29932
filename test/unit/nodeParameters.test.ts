import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { Agora } from '../../nodes/Agora/Agora.node';
import { Alyx } from '../../nodes/Alyx/Alyx.node';
import { CcAgency } from '../../nodes/CcAgency/CcAgency.node';

const nodes: Array<[string, INodeTypeDescription]> = [
	['Agora', new Agora().description],
	['Alyx', new Alyx().description],
	['CC-Agency', new CcAgency().description],
];

/**
 * n8n shows a parameter whenever a value it depends on is an expression (it cannot know the
 * value). A field that depends on a parameter name another resource also uses (say "target")
 * would then show up, empty and required, in that resource's nodes, and n8n refuses to run the
 * workflow. So the names that decide visibility must belong to one resource only.
 */
describe.each(nodes)('%s node parameters', (_name, description) => {
	const resourcesOf = (property: INodeProperties) => (property.displayOptions?.show?.resource as string[] | undefined) ?? [];
	it('switches required fields only on parameters of their own resource', () => {
		const clashes: string[] = [];
		for (const property of description.properties.filter((p) => p.required)) {
			for (const key of Object.keys(property.displayOptions?.show ?? {})) {
				if (key === 'resource' || key === 'operation' || key.startsWith('@')) continue;
				const mine = new Set(resourcesOf(property));
				const others = description.properties.filter((p) => p.name === key && !resourcesOf(p).every((r) => mine.has(r)));
				for (const other of others) clashes.push(`"${property.displayName}" depends on "${key}", which ${resourcesOf(other).join('/')} also uses`);
			}
		}
		expect(clashes).toEqual([]);
	});
});
