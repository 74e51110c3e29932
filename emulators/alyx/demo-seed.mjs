// `--seed demo`: a small lab's last two weeks, dated relative to today so the water
// requirement and "alive" look current. cortexlab gets a server repository; alice and admin
// are members; three mice (one water-restricted, one dead); daily weighings and water;
// behaviour sessions with QC and trial counts; datasets registered through the same code as
// POST /register-file (file records on the repository), one in a later revision and one
// protected by a tag.
import { randomUUID } from 'node:crypto';
import { addDays, nowNaive, today } from './datetimes.mjs';
import { fixtureId } from './fixtures.mjs';
import { registerFromData } from './register-file.mjs';
import { RequestData } from './request-body.mjs';

const TASK = '_iblrig_tasks_trainingChoiceWorld8.12.0';

export function seedDemoData(store) {
	const t = store.tables;
	const user = (name) => t.users.by('username', name)[0] ?? t.users.all()[0];
	const admin = user('admin');
	const alice = user('alice');
	const lab = t.labs.by('name', 'cortexlab')[0];
	const day = (offset) => addDays(today(), offset);

	const serverType = t.data_repository_types.by('name', 'Fileserver')[0];
	const repo = t.data_repositories.insert({
		id: randomUUID(),
		name: 'cortexlab_server',
		timezone: 'Europe/London',
		globus_path: '/mnt/s0/Data/Subjects',
		hostname: 'server.cortexlab.example.org',
		data_url: 'http://data.cortexlab.example.org/Subjects/',
		repository_type: serverType?.id ?? null,
		globus_endpoint_id: null,
		globus_is_personal: false,
		json: null,
	});
	t.labs.update(lab.id, {
		repositories: [repo.id],
		institution: 'University College London',
		address: 'Gower Street, London',
		reference_weight_pct: 0.8,
	});
	for (const member of [admin, alice])
		t.lab_members.insert({
			id: randomUUID(),
			user: member.id,
			lab: lab.id,
			start_date: day(-365),
			end_date: null,
		});

	const project = t.projects.insert({
		id: randomUUID(),
		name: 'behaviour_pilot',
		description: 'Pilot of the visual decision task',
		users: [admin.id, alice.id],
		json: null,
	});
	t.projects.insert({
		id: randomUUID(),
		name: 'imaging_2026',
		description: 'Widefield imaging cohort',
		users: [alice.id],
		json: null,
	});
	// scan.metrics: the MRIQC report of an MRI scan, registered by the scanner-to-analysis example.
	for (const name of ['trials.table', 'wheel.position', 'wheel.timestamps', 'scan.metrics'])
		if (!t.dataset_types.by('name', name).length)
			t.dataset_types.insert({
				id: fixtureId('datasettype', name),
				name,
				created_by: admin.id,
				description: '',
				filename_pattern: '',
				json: null,
			});
	const protectedTag = t.tags.insert({
		id: randomUUID(),
		name: '2026_Q1_paper_release',
		description: 'Datasets frozen for the paper',
		protected: true,
		public: true,
		hash: null,
		json: null,
	});

	const mouse = fixtureId('species', 'Laboratory mouse');
	const subject = (nickname, extra) =>
		t.subjects.insert({
			id: randomUUID(),
			nickname,
			responsible_user: alice.id,
			birth_date: day(-200),
			death_date: null,
			species: mouse,
			sex: 'M',
			litter: null,
			strain: null,
			source: null,
			line: null,
			projects: [project.id],
			lab: lab.id,
			description: '',
			genotype: [],
			implant_weight: 0,
			json: null,
			...extra,
		});
	const ks = subject('KS022', { birth_date: day(-210) });
	const swc = subject('SWC_043', {
		sex: 'F',
		birth_date: day(-160),
		description: 'water restricted for training',
	});
	subject('ZM_1085', { birth_date: day(-400), death_date: day(-30), responsible_user: admin.id });

	const water = t.water_types.by('name', 'Water')[0];
	const sucrose = t.water_types.by('name', 'Water 10% Sucrose')[0];
	t.water_restrictions.insert({
		id: randomUUID(),
		name: '',
		json: null,
		subject: swc.id,
		start_time: `${day(-13)}T09:00:00`,
		end_time: null,
		water_type: sucrose.id,
		reference_weight: 21.5,
		narrative: '',
		lab: lab.id,
		users: [alice.id],
		location: null,
		procedures: [],
	});

	const training = t.procedure_types.by('name', 'Behavior training/tasks')[0];
	for (const [mouseRow, base] of [
		[ks, 24.1],
		[swc, 20.4],
	]) {
		for (let d = -13; d <= 0; d++) {
			const date = day(d);
			t.weighings.insert({
				id: randomUUID(),
				name: '',
				json: null,
				subject: mouseRow.id,
				date_time: `${date}T08:3${(d + 13) % 10}:00`,
				weight: Math.round((base + Math.sin(d) * 0.6) * 10) / 10,
				user: alice.id,
			});
			if (d > -6) {
				const nTrials = 400 + (d + 6) * 37;
				const session = t.sessions.insert({
					id: randomUUID(),
					name: '',
					subject: mouseRow.id,
					users: [alice.id],
					location: null,
					procedures: training ? [training.id] : [],
					lab: lab.id,
					projects: [project.id],
					type: 'Experiment',
					task_protocol: TASK,
					number: 1,
					start_time: `${date}T10:15:00`,
					end_time: `${date}T11:05:00`,
					narrative: '',
					parent_session: null,
					n_correct_trials: Math.round(nTrials * (0.62 + (d + 6) * 0.04)),
					n_trials: nTrials,
					extended_qc: { behavior: d > -3 ? 1 : 0, _task_stimOn_delays: 0.98 },
					qc: d === -2 ? 30 : d > -3 ? 10 : 0,
					json: null,
					auto_datetime: nowNaive(),
				});
				t.water_administrations.insert({
					id: randomUUID(),
					name: '',
					json: null,
					subject: mouseRow.id,
					date_time: `${date}T11:10:00`,
					water_administered: 0.6,
					water_type: sucrose.id,
					user: alice.id,
					session: session.id,
					adlib: false,
				});
				const path = `${mouseRow.nickname}/${date}/001`;
				const data = new RequestData('json', {
					created_by: 'alice',
					name: repo.name,
					path,
					filenames: [
						'alf/_ibl_trials.table.pqt',
						'alf/_ibl_wheel.position.npy',
						'alf/_ibl_wheel.timestamps.npy',
						'raw_behavior_data/_iblrig_taskData.raw.jsonable',
					],
					hashes: ['5a1b', '7c2d', '9e3f', 'b4a5'].map((h) => `${h}${d + 20}e0c1d2`),
					filesizes: [48213, 960112, 960112, 2210334],
					versions: '8.12.0',
					qc: d > -3 ? 'PASS' : 'NOT_SET',
				});
				const registered = registerFromData(store, alice, data);
				if (d === -1 && mouseRow === ks) {
					// A re-extraction in a revision (not the default) and a protected dataset.
					registerFromData(
						store,
						alice,
						new RequestData('json', {
							created_by: 'alice',
							name: repo.name,
							path,
							filenames: ['alf/#2026-02-01#/_ibl_trials.table.pqt'],
							default: false,
							qc: 'WARNING',
						}),
					);
					t.datasets.update(registered[0].id, { tags: [protectedTag.id] });
				}
			}
			t.water_administrations.insert({
				id: randomUUID(),
				name: '',
				json: null,
				subject: mouseRow.id,
				date_time: `${date}T17:00:00`,
				water_administered: mouseRow === swc ? 0.4 : 1,
				water_type: water.id,
				user: alice.id,
				session: null,
				adlib: mouseRow !== swc,
			});
		}
	}
}
