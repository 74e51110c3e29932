import type { ResourceSpec } from '../../shared/types';
import { dataFormatResource, dataRepositoryResource, dataRepositoryTypeResource, datasetResource, datasetTypeResource, fileRecordResource } from './data';
import { waterAdministrationResource, waterRequirementResource, weighingResource } from './husbandry';
import { labResource, projectResource, userResource } from './people';
import { registerFileResource } from './registerFile';
import { sessionResource } from './sessions';
import { subjectResource } from './subjects';

/** Every Alyx resource and operation; the node, the docs table and the tests read this. */
export const alyxResources: ResourceSpec[] = [
	subjectResource,
	sessionResource,
	weighingResource,
	waterAdministrationResource,
	waterRequirementResource,
	projectResource,
	userResource,
	labResource,
	datasetResource,
	fileRecordResource,
	registerFileResource,
	datasetTypeResource,
	dataFormatResource,
	dataRepositoryResource,
	dataRepositoryTypeResource,
];
