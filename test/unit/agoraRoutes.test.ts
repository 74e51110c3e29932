import { connectorPath } from '../../nodes/Agora/platform';

describe('Agora connector-compatible routes', () => {
	it.each([
		['/api/v2/user/me/', '/api/v1/user/current/'],
		['/api/v2/user/', '/api/v1/user/'],
		['/api/v2/group/', '/api/v1/groups/'],
		['/api/v2/folder/10/items/', '/api/v1/folder/10/items/'],
		['/api/v2/folder/10/new/', '/api/v1/folder/10/new/'],
		['/api/v2/folder/45/breadcrumb/', '/api/v1/folder/45/breadcrumb/'],
		['/api/v2/exam/', '/api/v1/exam/'],
		['/api/v2/exam/7/', '/api/v1/exam/7/'],
		['/api/v2/exam/7/series/', '/api/v1/exam/7/series/'],
		['/api/v2/exam/7/datasets/', '/api/v2/exam/7/datasets/'],
		['/api/v2/exam/12/link_to/15/', '/api/v1/exam/12/link_to/15/'],
		['/api/v2/series/3/datasets/', '/api/v1/serie/3/datasets/'],
		['/api/v2/dataset/12/', '/api/v1/dataset/12/'],
		['/api/v2/patient/2/', '/api/v1/patient/2/'],
		['/api/v2/folderitem/57/', '/api/v1/folderitem/57/'],
		['/api/v2/timelineitem/900/', '/api/v2/timeline/900/'],
		['/api/v2/timelineitem/', '/api/v2/timeline/'],
		['/api/v2/task/13/', '/api/v1/taskdefinition/13/'],
		// Routes both worlds share stay as they are.
		['/api/v2/project/myagora/', '/api/v2/project/myagora/'],
		['/api/v2/exam/12/copy_to/4/folder/20/', '/api/v2/exam/12/copy_to/4/folder/20/'],
		['/api/v2/dataset/158/parametersets/', '/api/v2/dataset/158/parametersets/'],
		['/api/v2/tag-instance/', '/api/v2/tag-instance/'],
	])('%s → %s', (documented, connector) => {
		expect(connectorPath(documented)).toBe(connector);
	});
});
