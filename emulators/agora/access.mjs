// Who sees and who may change what. Agora's objects live in projects; a user sees the
// projects they are a member of (reference A.4) and everything in them. Roles (B.4.2):
// managers, scientists and users may write; observers may only look, and (an emulator
// choice that gives the node a 403 to surface, check 25) may not read acquisition parameters.
// Read-only users (an emulator option) are refused every change. Objects of other projects
// are 404, like a DRF view whose queryset is filtered by membership.
import { KINDS, OBSERVER_ROLE } from './content-types.mjs';
import { notFound, permissionDenied } from './errors.mjs';

export class Access {
	/** @param {import('./store.mjs').Store} store */
	constructor(store) {
		this.store = store;
		this.cache = new Map();
		this.cacheVersion = -1;
	}

	/** The user's best (lowest) role in a project, or null when not a member. */
	role(user, projectId) {
		if (!user || projectId == null) return null;
		return this.roles(user).get(Number(projectId)) ?? null;
	}

	/** projectId -> role for the user, cached per store version. */
	roles(user) {
		if (this.cacheVersion !== this.store.version) {
			this.cache.clear();
			this.cacheVersion = this.store.version;
		}
		let roles = this.cache.get(user.id);
		if (!roles) {
			roles = new Map();
			for (const m of this.store.t.memberships.rows.values()) {
				if (m.user !== user.id || !this.store.t.projects.get(m.project)) continue;
				const had = roles.get(m.project);
				if (had === undefined || m.role < had) roles.set(m.project, m.role);
			}
			this.cache.set(user.id, roles);
		}
		return roles;
	}

	visibleProjectIds(user) {
		return new Set(this.roles(user).keys());
	}

	/** True when the row exists, is not in the trash and its project is visible. */
	canRead(user, row) {
		return Boolean(row && !row.trashed && this.role(user, row.project) !== null);
	}

	/** The visible row of `kind` with this id, or a 404. */
	get(kind, id, user) {
		const row = this.store.t[KINDS[kind].table].get(id);
		if (kind === 'project') {
			if (!row || this.role(user, row.id) === null) throw notFound();
			return row;
		}
		if (!this.canRead(user, row)) throw notFound();
		return row;
	}

	/** Same as get() but null instead of a 404. */
	find(kind, id, user) {
		try {
			return this.get(kind, id, user);
		} catch {
			return null;
		}
	}

	canWrite(user, projectId) {
		if (!user || user.readOnly) return false;
		const role = this.role(user, projectId);
		return role !== null && role < OBSERVER_ROLE;
	}

	requireWrite(user, projectId) {
		if (!this.canWrite(user, projectId)) throw permissionDenied();
	}

	/** Acquisition parameters: members below observer only (the reference's 403 case). */
	requireParameterAccess(user, projectId) {
		const role = this.role(user, projectId);
		if (role === null) throw notFound();
		if (role >= OBSERVER_ROLE) throw permissionDenied();
	}
}
