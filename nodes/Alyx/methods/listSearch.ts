/** List searches behind the Alyx resource locators; filtering happens on the server. */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { apiJson } from '../../shared/transport';
import { alyx, withId } from '../platform';

const PAGE = 100;

type Search = (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) => Promise<INodeListSearchResult>;

/**
 * A list search over `path`: `lookup` is the Django field the typed text is matched against
 * (case-insensitive "contains"), `label` and `value` make the list entries.
 */
function searchOver(path: string, lookup: string, label: (r: IDataObject) => string, value: (r: IDataObject) => string): Search {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
		const offset = Number(paginationToken ?? 0) || 0;
		const qs: IDataObject = { limit: PAGE, offset };
		// Alyx lists split on commas in django lookups, so commas cannot be searched for.
		if (filter) qs.django = `${lookup}__icontains,${filter.replace(/,/g, ' ')}`;
		const page = await apiJson<{ results: IDataObject[]; next: string | null }>(this, alyx, { method: 'GET', path, qs });
		return {
			results: page.results.map(withId).map((r) => ({ name: label(r), value: value(r), url: typeof r.url === 'string' ? r.url : undefined })),
			paginationToken: page.next ? String(offset + PAGE) : undefined,
		};
	};
}

const name = (r: IDataObject) => String(r.name);
const id = (r: IDataObject) => String(r.id);

export const listSearch = {
	searchSubjects: searchOver('/subjects', 'nickname', (r) => `${String(r.nickname)} (${String(r.lab ?? '')})`, (r) => String(r.nickname)),
	searchSessions: searchOver('/sessions', 'subject__nickname', (r) => `${String(r.subject)} ${String(r.start_time ?? '').slice(0, 10)} #${String(r.number ?? '-')} ${String(r.task_protocol ?? '')}`.trim(), id),
	searchLabs: searchOver('/labs', 'name', name, name),
	searchProjects: searchOver('/projects', 'name', name, name),
	searchUsers: searchOver('/users', 'username', (r) => String(r.username), (r) => String(r.username)),
	searchRepositories: searchOver('/data-repository', 'name', name, name),
	searchRepositoryTypes: searchOver('/data-repository-type', 'name', name, name),
	searchDatasetTypes: searchOver('/dataset-types', 'name', name, name),
	searchDataFormats: searchOver('/data-formats', 'name', (r) => `${String(r.name)} (${String(r.file_extension ?? '')})`, name),
	searchDatasets: searchOver('/datasets', 'name', (r) => `${String(r.name)} · ${String(r.collection ?? '')} · ${String(r.created_datetime ?? '').slice(0, 10)}`, id),
	searchFileRecords: searchOver('/files', 'relative_path', (r) => `${String(r.relative_path)} on ${String(r.data_repository)}`, id),
	searchWeighings: searchOver('/weighings', 'subject__nickname', (r) => `${String(r.subject)} ${String(r.date_time ?? '').slice(0, 16)} ${String(r.weight)} g`, id),
	searchWaterAdministrations: searchOver('/water-administrations', 'subject__nickname', (r) => `${String(r.subject)} ${String(r.date_time ?? '').slice(0, 16)} ${String(r.water_administered ?? '')} mL`, id),
};
