// Every Agora API route, in one router (see api-router.mjs for the conventions).
import { createApiRouter } from './api-router.mjs';
import { registerAnnotationRoutes } from './routes-annotations.mjs';
import { registerFolderRoutes } from './routes-folders.mjs';
import { registerObjectRoutes } from './routes-objects.mjs';
import { registerProjectRoutes } from './routes-projects.mjs';
import { registerSearchRoutes } from './routes-search.mjs';
import { registerSystemRoutes } from './routes-system.mjs';
import { registerTaskRoutes } from './routes-tasks.mjs';
import { registerTransferRoutes } from './routes-transfers.mjs';

export function createAgoraApi(services) {
	const api = createApiRouter();
	registerSystemRoutes(api, services);
	registerProjectRoutes(api, services);
	registerFolderRoutes(api, services);
	registerObjectRoutes(api, services);
	registerAnnotationRoutes(api, services);
	registerTaskRoutes(api, services);
	registerSearchRoutes(api, services);
	registerTransferRoutes(api, services);
	return api;
}
