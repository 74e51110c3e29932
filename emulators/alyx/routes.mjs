// All Alyx API views, in one router.
import { registerActionRoutes } from './routes-actions.mjs';
import { registerCoreRoutes } from './routes-core.mjs';
import { registerDataRoutes } from './routes-data.mjs';
import { registerGenericRoutes } from './generic-routes.mjs';
import { registerSubjectRoutes } from './routes-subjects.mjs';
import { createViews } from './views.mjs';

export function createApiViews() {
	const views = createViews();
	registerCoreRoutes(views);
	registerSubjectRoutes(views);
	registerActionRoutes(views);
	registerDataRoutes(views);
	registerGenericRoutes(views);
	return views;
}
