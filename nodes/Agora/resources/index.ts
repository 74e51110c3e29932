import type { ResourceSpec } from '../../shared/types';
import { datafileResource, datasetResource, groupResource, patientResource, serverResource, seriesResource, userResource } from './data';
import { examResource } from './exams';
import { folderResource } from './folders';
import { projectResource } from './projects';
import { searchResource, tagResource } from './searchAndTags';
import { taskResource, timelineResource } from './tasks';
import { datafileDownload, downloadResource, importResource } from './transfers';

/** Every Agora resource and operation; the node, the docs table and the tests read this. */
export const agoraResources: ResourceSpec[] = [
	projectResource,
	folderResource,
	examResource,
	seriesResource,
	datasetResource,
	{ ...datafileResource, operations: [...datafileResource.operations, datafileDownload] },
	patientResource,
	userResource,
	groupResource,
	tagResource,
	taskResource,
	timelineResource,
	searchResource,
	importResource,
	downloadResource,
	serverResource,
];
