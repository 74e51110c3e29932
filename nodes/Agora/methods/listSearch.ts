/** List searches behind the Agora resource locators. */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { apiJson } from '../../shared/transport';
import { agora } from '../platform';

const PAGE = 50;

type Search = (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) => Promise<INodeListSearchResult>;

function searchOver(path: string, label: (r: IDataObject) => string): Search {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
		const offset = Number(paginationToken ?? 0) || 0;
		const qs: IDataObject = { limit: PAGE, offset };
		if (filter) qs.name__icontains = filter;
		const body = await apiJson<IDataObject[] | { results: IDataObject[]; next?: string | null }>(this, agora, { method: 'GET', path, qs });
		const records = Array.isArray(body) ? body : body.results;
		const more = !Array.isArray(body) && !!body.next;
		return {
			results: records.map((r) => ({ name: label(r), value: String(r.id) })),
			paginationToken: more ? String(offset + PAGE) : undefined,
		};
	};
}

const named = (r: IDataObject) => `${String(r.name)} (#${String(r.id)})`;

export const listSearch = {
	searchProjects: searchOver('/api/v2/project/', named),
	searchFolders: searchOver('/api/v2/folder/', (r) => `${String(r.name)} (#${String(r.id)}, project ${String(r.project ?? '?')})`),
	searchExams: searchOver('/api/v2/exam/', (r) => `${String(r.name)} ${String(r.start_time ?? '').slice(0, 10)} (#${String(r.id)})`),
	searchSeries: searchOver('/api/v2/series/', named),
	searchDatasets: searchOver('/api/v2/dataset/', named),
	searchTasks: searchOver('/api/v2/task/', named),
};
