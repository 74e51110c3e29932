/** Parameters shared by the Agora operations. */
import type { INodeProperties } from 'n8n-workflow';
import { resourceLocator } from '../shared/fields';
import type { OptionalField } from '../shared/fields';
import type { SendSpec } from '../shared/types';

const INTEGER_ID = { pattern: '^\\d+$', message: 'Agora IDs are whole numbers' };

function locator(name: string, displayName: string, method: string, what: string): INodeProperties {
	return resourceLocator({ name, displayName, searchListMethod: method, description: what, placeholder: 'e.g. 42', regex: INTEGER_ID });
}

export const projectLocator = locator('project', 'Project', 'searchProjects', 'The project');
export const folderLocator = locator('folder', 'Folder', 'searchFolders', 'The folder');
export const examLocator = locator('exam', 'Exam', 'searchExams', 'The exam (study)');
export const seriesLocator = locator('series', 'Series', 'searchSeries', 'The series');
export const datasetLocator = locator('dataset', 'Dataset', 'searchDatasets', 'The dataset');
export const taskLocator = locator('task', 'Task', 'searchTasks', 'The task definition');
export const idField = (displayName: string, description: string): INodeProperties => ({ displayName, name: 'id', type: 'string', default: '', required: true, placeholder: 'e.g. 42', description });

export const query = (key: string, transform?: SendSpec['transform']): SendSpec => ({ in: 'query', key, transform });

/** A text filter with Django-filter operators (exact by default). */
export function textFilter(displayName: string, name: string, key: string, description: string): OptionalField {
	return [{ displayName, name, type: 'string', default: '', description } as INodeProperties, query(key)];
}
