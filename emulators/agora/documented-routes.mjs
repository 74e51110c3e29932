// A server without the documented routes (option `documentedRoutes: false`).
//
// Whether real Agora releases serve seed 000's documented /api/v2/ routes is unknown (reference
// B.15 open questions: no public client calls them), while every release serves the routes GyroTools'
// connectors use (Part B). With this option off, the emulator answers the documented-only routes
// with Django's 404 page, as such a server would, so that clients choosing or detecting a route
// set can be tested. The list is seed 000's routes for which Part C names a different connector
// route; routes the connectors call themselves (project, folder, exam datasets, timeline,
// downloadfile, taskdefinition, import, …) stay.
const DOCUMENTED_ONLY = [
	/^\/api\/v2\/user\//, // current user and users: connectors use /api/v1/user/…
	/^\/api\/v2\/group\//, // /api/v1/groups/
	/^\/api\/v2\/folder\/\d+\/(items|new|breadcrumb)\/$/, // /api/v1/folder/{id}/…
	/^\/api\/v2\/exam\/(\d+\/)?(series\/)?$/, // /api/v1/exam/
	/^\/api\/v2\/exam\/\d+\/link_to\/\d+\/$/, // /api/v1/exam/{id}/link_to/{folder}/
	/^\/api\/v2\/series\/(\d+\/)?(datasets\/)?$/, // /api/v1/serie/
	/^\/api\/v2\/dataset\/(\d+\/)?$/, // /api/v1/dataset/
	/^\/api\/v2\/patient\/(\d+\/)?(exams\/)?$/, // /api/v1/patient/
	/^\/api\/v2\/folderitem\/\d+\/$/, // /api/v1/folderitem/{id}/
	/^\/api\/v2\/timelineitem\//, // /api/v2/timeline/{id}/
	/^\/api\/v2\/task\/\d+\/(run\/)?$/, // /api/v1/taskdefinition/{id}/…
	/^\/api\/v2\/importsession\//, // /api/v1/import/
	/^\/api\/v2\/download\//, // /api/v1/[project/{id}/]downloadfile/
	/^\/api\/v2\/runtask\/$/, // /api/v1/taskdefinition/{id}/run/
	/^\/api\/v2\/search\/(query|saved)\//, // full-text search only
];

/** Whether a normalised request path is one of seed 000's documented-only routes. */
export function isDocumentedOnly(path) {
	return DOCUMENTED_ONLY.some((pattern) => pattern.test(path));
}
