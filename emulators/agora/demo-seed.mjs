// The demo content (seed 'demo'): what a node test, the sandbox and the README can rely on.
// Ids are deterministic with the default users (alice 1, admin 2, reader 3); DEMO names them.
// With other users, the roles go to the first plain user ("alice"), the first superuser
// ("admin") and the first read-only user ("reader").
import { DATASET_TYPES as DT } from './content-types.mjs';

/** Ids of the demo objects with the default users (README "Demo content"). */
export const DEMO = Object.freeze({
	users: { alice: 1, admin: 2, reader: 3 },
	projects: { aliceMyAgora: 1, adminMyAgora: 2, readerMyAgora: 3, shared: 4, cardiac: 5 },
	folders: {
		aliceRoot: 1,
		adminRoot: 2,
		readerRoot: 3,
		sharedRoot: 4,
		cardiacRoot: 5,
		data: 6,
		myFolder: 7,
		oldData: 8,
		taskResults: 9,
		incoming: 10,
		reports: 11,
	},
	patients: { danielSmith: 1, janeDoe: 2, phantom: 3, heartVolunteer: 4 },
	exams: { brainMri: 1, wristMri: 2, brainFollowUp: 3, phantomQa: 4, testExam: 5, cardiacCine: 6 },
	series: { survey: 1, t1: 2, fmri: 3, t2Tse: 4, t1FollowUp: 5, dti: 6, qaT1: 7, test: 8, cine: 9 },
	datasets: {
		surveyDicom: 1,
		t1Dicom: 2,
		t1Nifti: 3,
		fmriDicom: 4,
		t2Raw: 5,
		t2ParRec: 6,
		examReport: 7,
		t1FollowUpDicom: 8,
		dtiDicom: 9,
		qaDicom: 10,
		scan: 11,
		testData: 12,
		cineDicom: 13,
		oldNotes: 14,
	},
	datafiles: { scanDcm: 19 },
	parametersets: { t1Acquisition: 2, t1User: 3 },
	tags: { good: 1, review: 2, artifact: 3, adminOnly: 4 },
	taginstances: { brainMriGood: 1, t1Review: 2, t2RawArtifact: 3 },
	relations: { surveyToT1: 1, brainFollowUp: 2 },
	tasks: { echo: 1, resample: 2, failing: 3, long: 4, examSummary: 5 },
	scripttasks: { convert: 1 },
	timeline: { echoFinished: 1, failingError: 2, longCanceled: 3 },
	queries: { brain2024: 1, syncedSeries: 2 },
	trash: { oldData: 1, testExam: 2 },
	groups: { mrPhysics: 1, radiology: 2 },
});

const at = (text) => text; // dates are written as DRF renders them

/** Small deterministic file contents (real bytes: size and SHA-1 are computed from them). */
function dicomBytes(label) {
	return Buffer.concat([
		Buffer.alloc(128),
		Buffer.from('DICM'),
		Buffer.from(`demo DICOM ${label}\n`),
	]);
}

function acquisitionParameters(overrides = {}) {
	const values = {
		EX_ACQ_echoes: 1,
		EX_ACQ_scan_mode: 0,
		EX_CARD_sync: 0,
		EX_GEO_voxel_size_m: 1.0,
		EX_GEO_fov: [240, 240, 160],
		RC_repetition_time: 8.1,
		RC_echo_time: 3.7,
		RC_flip_angle: 8,
		...overrides,
	};
	return Object.entries(values).map(([name, value]) =>
		name === 'EX_ACQ_scan_mode'
			? { Name: name, Value: value, Properties: { EnumDescription: 3 }, NameText: 'Scan mode' }
			: {
					Name: name,
					Value: value,
					NameText: name.replace(/^[A-Z]+_[A-Z]+_/, '').replace(/_/g, ' '),
				},
	);
}

const ACQUISITION_PROPERTIES = {
	EnumDescriptions: [
		{
			ID: 3,
			Values: [
				{ ValueInt: 0, Value: 'MGUACQ_SCT_IMAGING' },
				{ ValueInt: 1, Value: 'MGUACQ_SCT_SPECTRO' },
			],
		},
	],
};

export function seedDemo({ store, model }) {
	const t = store.t;
	const users = t.users.all();
	const alice = users.find((u) => !u.is_superuser && !u.readOnly) ?? users[0];
	const admin = users.find((u) => u.is_superuser) ?? alice;
	const reader = users.find((u) => u.readOnly) ?? null;
	const myAgora = (user) => t.projects.find((p) => p.is_myagora && p.owner === user.id);
	const aliceRoot = myAgora(alice).root_folder;

	// Groups
	t.groups.insert({ name: 'MR Physics', users: [...new Set([alice.id, admin.id])] });
	t.groups.insert({ name: 'Radiology', users: reader ? [reader.id] : [] });

	// Projects: a shared study (admin manages, alice is a scientist, reader observes) and an
	// admin-only project that alice must not see.
	const shared = model.createProject({
		name: 'Brain Imaging Study',
		description: 'Shared neuroimaging study (demo)',
		owner: admin.id,
		createdDate: at('2023-01-10T09:00:00Z'),
	});
	if (alice.id !== admin.id) t.memberships.insert({ user: alice.id, role: 2, project: shared.id });
	if (reader) t.memberships.insert({ user: reader.id, role: 4, project: shared.id });
	const cardiac = model.createProject({
		name: 'Cardiac Pilot',
		description: 'Admin-only pilot project (demo)',
		owner: admin.id,
		createdDate: at('2023-02-01T09:00:00Z'),
	});

	// Folders
	const d = at('2023-03-01T10:00:00Z');
	const data = model.createFolder({
		name: 'data',
		parent: aliceRoot,
		owner: alice.id,
		date: d,
	}).folder;
	model.createFolder({ name: 'my_folder', parent: data.id, owner: alice.id, date: d });
	const oldData = model.createFolder({
		name: 'old data',
		parent: aliceRoot,
		owner: alice.id,
		date: d,
	}).folder;
	model.createFolder({ name: 'Task Results', parent: shared.root_folder, owner: admin.id, date: d })
		.folder;
	model.createFolder({ name: 'Incoming', parent: shared.root_folder, owner: admin.id, date: d });
	model.createFolder({ name: 'Reports', parent: cardiac.root_folder, owner: admin.id, date: d });

	// Patients
	const daniel = model.createPatient({
		name: 'Daniel Smith',
		patient_id: 'HOSP2',
		birth_date: '1980-12-05',
		sex: 'm',
		weight: 72,
		project: shared.id,
		created_date: at('2023-03-02T08:00:00Z'),
	});
	const jane = model.createPatient({
		name: 'Jane Doe',
		patient_id: 'HOSP7',
		birth_date: '1975-03-21',
		sex: 'f',
		weight: 61,
		project: shared.id,
		created_date: at('2023-03-02T08:00:00Z'),
	});
	const phantom = model.createPatient({
		name: 'Phantom',
		patient_id: 'PHANTOM1',
		birth_date: null,
		sex: 'o',
		weight: null,
		project: myAgora(alice).id,
		anonymous: true,
		created_date: at('2023-03-02T08:00:00Z'),
	});
	const volunteer = model.createPatient({
		name: 'Heart Volunteer',
		patient_id: 'CARD1',
		birth_date: '1990-07-14',
		sex: 'm',
		weight: 80,
		project: cardiac.id,
		created_date: at('2023-03-02T08:00:00Z'),
	});

	// Exams
	const exam = (fields, folder) =>
		model.createExam({ owner: admin.id, created_date: fields.start_time, ...fields }, { folder });
	const brain = exam(
		{
			name: 'Brain MRI',
			project: shared.id,
			patient: daniel.id,
			uid: '1.2.826.0.1.3680043.8.498.1001',
			start_time: at('2024-01-15T08:00:00Z'),
			scanner_name: 'MAGNETOM Prisma',
			vendor: 2,
			description: 'Baseline',
		},
		shared.root_folder,
	);
	const wrist = exam(
		{
			name: 'Wrist MRI',
			project: shared.id,
			patient: jane.id,
			uid: '1.2.826.0.1.3680043.8.498.1002',
			start_time: at('2023-06-02T14:30:00Z'),
			scanner_name: 'Ingenia 3T',
			vendor: 1,
		},
		shared.root_folder,
	);
	const followUp = exam(
		{
			name: 'Brain MRI follow-up',
			project: shared.id,
			patient: daniel.id,
			uid: '1.2.826.0.1.3680043.8.498.1003',
			start_time: at('2024-05-10T09:15:00Z'),
			scanner_name: 'MAGNETOM Prisma',
			vendor: 2,
			description: 'Follow-up after 4 months',
		},
		shared.root_folder,
	);
	const qa = exam(
		{
			name: 'Brain Phantom QA',
			project: myAgora(alice).id,
			patient: phantom.id,
			uid: '1.2.826.0.1.3680043.8.498.1004',
			start_time: at('2023-11-20T07:45:00Z'),
			scanner_name: 'Ingenia 1.5T',
			vendor: 1,
			owner: alice.id,
		},
		data.id,
	);
	const testExam = exam(
		{
			name: 'Test exam',
			project: shared.id,
			patient: jane.id,
			uid: '1.2.826.0.1.3680043.8.498.1005',
			start_time: at('2022-01-01T12:00:00Z'),
			scanner_name: 'Ingenia 3T',
			vendor: 1,
		},
		shared.root_folder,
	);
	const cine = exam(
		{
			name: 'Cardiac cine',
			project: cardiac.id,
			patient: volunteer.id,
			uid: '1.2.826.0.1.3680043.8.498.1006',
			start_time: at('2024-02-02T11:00:00Z'),
			scanner_name: 'Ingenia 3T',
			vendor: 1,
		},
		cardiac.root_folder,
	);

	// Series
	const series = (examRow, name, acq, extra = {}) =>
		model.createSeries({
			exam: examRow.id,
			name,
			acquisition_number: acq,
			uid: `${examRow.uid}.${acq}`,
			time: examRow.start_time,
			created_date: examRow.start_time,
			...extra,
		});
	const survey = series(brain, 'Survey', 1, { is_refscan: true });
	const t1 = series(brain, 'T1 MPRAGE', 2);
	const fmri = series(brain, 'fMRI resting state', 3);
	const t2 = series(wrist, 'T2 TSE sagittal', 1);
	const t1f = series(followUp, 'T1 MPRAGE', 1);
	const dti = series(followUp, 'DTI 64 directions', 2);
	const qaT1 = series(qa, 'QA T1', 1);
	const testSeries = series(testExam, 'Test', 1);
	const cineSeries = series(cine, 'Cine SA', 1);

	// Datasets with real bytes
	const dicom = (label, n) =>
		Array.from({ length: n }, (_, i) => ({
			path: `DICOM/IM_${String(i + 1).padStart(4, '0')}`,
			bytes: dicomBytes(`${label} ${i + 1}`),
			mime_type: 'application/dicom',
		}));
	const ds = (fields, files, folder) =>
		model.createDataset(
			{
				mime_type: files[0]?.mime_type ?? '',
				created_date: fields.created_date ?? '2024-01-15T08:30:00Z',
				...fields,
			},
			{ files, folder },
		);
	const surveyDs = ds(
		{ serie: survey.id, name: 'Survey DICOM', type: DT.DICOM },
		dicom('survey', 2),
	);
	const t1Ds = ds({ serie: t1.id, name: 'T1 MPRAGE DICOM', type: DT.DICOM }, dicom('t1', 3));
	ds({ serie: t1.id, name: 'T1 MPRAGE NIfTI', type: DT.NIFTI1 }, [
		{
			path: 't1_mprage.nii',
			bytes: Buffer.concat([Buffer.from([0x5c, 0x01, 0, 0]), Buffer.alloc(344, 1)]),
			mime_type: 'application/octet-stream',
		},
	]);
	const fmriDs = ds({ serie: fmri.id, name: 'fMRI DICOM', type: DT.DICOM }, dicom('fmri', 2));
	const t2Raw = ds(
		{
			serie: t2.id,
			name: 'T2 TSE raw',
			type: DT.PHILIPS_RAW,
			created_date: '2023-06-02T15:00:00Z',
		},
		[
			{ path: 't2_tse.raw', bytes: Buffer.alloc(512, 7) },
			{ path: 't2_tse.lab', bytes: Buffer.from('LAB demo labels\n') },
		],
	);
	const t2ParRec = ds(
		{
			serie: t2.id,
			name: 'T2 TSE PAR/REC',
			type: DT.PHILIPS_PARREC,
			created_date: '2023-06-02T15:00:00Z',
		},
		[
			{
				path: 't2_tse.par',
				bytes: Buffer.from('# === DATA DESCRIPTION FILE ===\n. Patient name : Jane Doe\n'),
				mime_type: 'text/plain',
			},
			{ path: 't2_tse.rec', bytes: Buffer.alloc(256, 3) },
		],
	);
	ds({ exam: brain.id, name: 'Exam report', type: DT.OTHER }, [
		{
			path: 'report.txt',
			bytes: Buffer.from('Brain MRI baseline: no findings.\n'),
			mime_type: 'text/plain',
		},
	]);
	const t1fDs = ds(
		{
			serie: t1f.id,
			name: 'T1 follow-up DICOM',
			type: DT.DICOM,
			created_date: '2024-05-10T09:45:00Z',
		},
		dicom('t1 follow-up', 2),
	);
	const dtiDs = ds(
		{ serie: dti.id, name: 'DTI DICOM', type: DT.DICOM, created_date: '2024-05-10T09:45:00Z' },
		dicom('dti', 2),
	);
	const qaDs = ds(
		{ serie: qaT1.id, name: 'QA DICOM', type: DT.DICOM, created_date: '2023-11-20T08:00:00Z' },
		dicom('qa', 1),
	);
	// Check 20: a dataset with one datafile "scan.dcm" holding the 11 bytes "hello world".
	ds(
		{
			name: 'scan',
			type: DT.OTHER,
			project: myAgora(alice).id,
			created_date: '2023-03-05T10:00:00Z',
		},
		[{ path: 'scan.dcm', bytes: Buffer.from('hello world'), mime_type: 'application/dicom' }],
		aliceRoot,
	);
	ds(
		{
			serie: testSeries.id,
			name: 'Test data',
			type: DT.OTHER,
			created_date: '2022-01-01T12:30:00Z',
		},
		[{ path: 'test.txt', bytes: Buffer.from('test\n'), mime_type: 'text/plain' }],
	);
	const cineDs = ds(
		{
			serie: cineSeries.id,
			name: 'Cine DICOM',
			type: DT.DICOM,
			created_date: '2024-02-02T11:30:00Z',
		},
		dicom('cine', 2),
	);
	ds(
		{
			name: 'old notes',
			type: DT.OTHER,
			project: myAgora(alice).id,
			created_date: '2023-03-05T10:00:00Z',
		},
		[{ path: 'notes.txt', bytes: Buffer.from('old notes\n'), mime_type: 'text/plain' }],
		oldData.id,
	);

	// Parameter sets: read-only acquisition parameters; the T1 DICOM also has user parameters.
	const acq = (dataset, overrides) =>
		model.addParameterSet({
			kind: 'dataset',
			objectId: dataset.id,
			name: 'Acquisition Parameters',
			readOnly: true,
			parameters: acquisitionParameters(overrides),
			properties: ACQUISITION_PROPERTIES,
		});
	acq(surveyDs, { EX_GEO_voxel_size_m: 3.0, RC_repetition_time: 3.2 });
	acq(t1Ds, { EX_GEO_voxel_size_m: 1.0, EX_CARD_sync: 0 });
	model.addParameterSet({
		kind: 'dataset',
		objectId: t1Ds.id,
		name: 'User Parameters',
		readOnly: false,
		parameters: [
			{ Name: 'TR', Value: 1.5 },
			{ Name: 'TE', Value: 0.03 },
		],
	});
	acq(fmriDs, { EX_GEO_voxel_size_m: 3.0, EX_ACQ_echoes: 1, RC_repetition_time: 2000 });
	acq(t2Raw, {
		EX_GEO_voxel_size_m: 0.5,
		EX_ACQ_echoes: 16,
		RC_repetition_time: 3000,
		RC_echo_time: 100,
	});
	acq(t2ParRec, { EX_GEO_voxel_size_m: 0.5, EX_ACQ_echoes: 16 });
	acq(t1fDs, { EX_GEO_voxel_size_m: 1.0, EX_CARD_sync: 1 });
	acq(dtiDs, { EX_GEO_voxel_size_m: 2.0, EX_ACQ_echoes: 1 });
	acq(qaDs, { EX_GEO_voxel_size_m: 1.2 });
	acq(cineDs, { EX_CARD_sync: 1, EX_GEO_voxel_size_m: 1.5, EX_ACQ_echoes: 1 });

	// Folder contents of alice's root beyond her folders and the scan: links to objects of the
	// shared project (a series and an exam), as connectors see them in v1 items (check 15).
	model.addItem(aliceRoot, 'serie', t1.id, { isLink: true, date: '2024-01-16T10:00:00Z' });
	model.addItem(aliceRoot, 'exam', brain.id, { isLink: true, date: '2024-01-16T10:00:00Z' });

	// Tags
	const good = t.tagdefs.insert({
		label: 'good',
		user: admin.id,
		project: shared.id,
		group: null,
		color: '#2ecc71',
		visibility: 2,
		scope: 1,
	});
	const review = t.tagdefs.insert({
		label: 'review',
		user: alice.id,
		project: null,
		group: null,
		color: '#f39c12',
		visibility: 1,
		scope: 2,
	});
	const artifact = t.tagdefs.insert({
		label: 'artifact',
		user: admin.id,
		project: shared.id,
		group: null,
		color: '#e74c3c',
		visibility: 2,
		scope: 1,
	});
	t.tagdefs.insert({
		label: 'admin-only',
		user: admin.id,
		project: null,
		group: null,
		color: '#34495e',
		visibility: 1,
		scope: 2,
	});
	const tagged = (def, kind, id, user) =>
		t.taginstances.insert({
			tag_definition: def.id,
			content_type: kind,
			object_id: id,
			user: user.id,
			created_date: '2024-01-20T12:00:00Z',
		});
	tagged(good, 'exam', brain.id, admin);
	tagged(review, 'serie', t1.id, alice);
	tagged(artifact, 'dataset', t2Raw.id, admin);

	// Relations
	t.relations.insert({
		type: 'reference scan',
		from: { content_type: 'serie', object_id: survey.id },
		to: { content_type: 'serie', object_id: t1.id },
	});
	t.relations.insert({
		type: 'follow-up',
		from: { content_type: 'exam', object_id: brain.id },
		to: { content_type: 'exam', object_id: followUp.id },
	});

	// Task definitions (UI tasks): outcomes are chosen by their execute_template (task-script.mjs).
	const task = (fields) =>
		t.tasks.insert({
			description: '',
			container_name: '',
			container_options: { mount_volumes: [] },
			success_exit_code: 0,
			parse_output_for_error: '',
			owner: admin.id,
			outputs: [],
			...fields,
		});
	const dsInput = {
		id: 1,
		name: 'Dataset',
		key: 'ds',
		description: 'input dataset',
		required: true,
		order: 0,
		type: 3,
		data_set_type: null,
		filename_regex: null,
		min: null,
		max: null,
		select_values: null,
	};
	task({
		name: 'Echo dataset',
		project: shared.id,
		inputs: [dsInput],
		execute_template: 'echo done',
	});
	task({
		name: 'Resample',
		project: shared.id,
		inputs: [
			dsInput,
			{
				id: 2,
				name: 'Size',
				key: 'size',
				description: 'target matrix size',
				required: true,
				order: 1,
				type: 6,
				data_set_type: null,
				filename_regex: null,
				min: 16,
				max: 4096,
				select_values: null,
			},
		],
		outputs: [
			{
				id: 1,
				name: 'resampled',
				type: 2,
				data_set_type: DT.NIFTI1,
				filename_regex: '.*\\.nii',
				order: 0,
			},
		],
		execute_template: 'echo resampling dataset {{ds}} to {{size}}\nsleep 2\necho done',
	});
	task({
		name: 'Failing task',
		project: shared.id,
		inputs: [dsInput],
		execute_template: 'echo starting\nexit 1',
	});
	task({
		name: 'Long computation',
		project: shared.id,
		inputs: [dsInput],
		execute_template: 'echo working\nsleep 1000\necho done',
	});
	task({
		name: 'Exam summary',
		project: myAgora(alice).id,
		owner: alice.id,
		inputs: [
			{
				id: 1,
				name: 'Study',
				key: 'study',
				description: '',
				required: true,
				order: 0,
				type: 1,
				data_set_type: null,
				filename_regex: null,
				min: null,
				max: null,
				select_values: null,
			},
			{
				id: 2,
				name: 'Label',
				key: 'label',
				description: '',
				required: false,
				order: 1,
				type: 5,
				data_set_type: null,
				filename_regex: null,
				min: null,
				max: null,
				select_values: null,
			},
		],
		execute_template: 'echo summary of exam {{study}} {{label}}',
	});
	t.scripttasks.insert({
		name: 'Convert to NIfTI',
		project: shared.id,
		yml: {
			name: 'Convert to NIfTI',
			description: 'Converts a DICOM dataset',
			inputs: {
				dataset: { type: 'dataset', required: true },
				compress: { type: 'string', required: false },
			},
			outputs: { nifti: { type: 'dataset' } },
			script: 'echo converting {{dataset}}\necho done',
		},
	});

	// Timeline history: a finished, a failed and a canceled run (static, no timers).
	const history = (fields) =>
		t.timeline.insert({
			type: 'task',
			progress: 100,
			user: alice.id,
			project: shared.id,
			script_task: null,
			target: null,
			error: null,
			exit_code: 0,
			related_objects: [],
			sim: null,
			...fields,
		});
	history({
		name: 'Echo dataset',
		task: 1,
		state: 'FINISHED',
		created_date: '2024-03-01T10:00:00Z',
		start_date: '2024-03-01T10:00:01Z',
		end_date: '2024-03-01T10:00:03Z',
		modified_date: '2024-03-01T10:00:03Z',
		inputs: { ds: { object_id: t1Ds.id, object_type: 'dataset' } },
		output: 'done',
		log: '2024-03-01T10:00:00Z task queued\n2024-03-01T10:00:01Z started\n2024-03-01T10:00:03Z finished\n',
	});
	history({
		name: 'Failing task',
		task: 3,
		state: 'ERROR',
		created_date: '2024-03-02T10:00:00Z',
		start_date: '2024-03-02T10:00:01Z',
		end_date: '2024-03-02T10:00:02Z',
		modified_date: '2024-03-02T10:00:02Z',
		inputs: { ds: { object_id: t1Ds.id, object_type: 'dataset' } },
		output: 'starting',
		error: 'exit code 1',
		exit_code: 1,
		log: '2024-03-02T10:00:00Z task queued\n2024-03-02T10:00:01Z started\n2024-03-02T10:00:02Z failed: exit code 1\n',
	});
	history({
		name: 'Long computation',
		task: 4,
		state: 'CANCELED',
		created_date: '2024-03-03T10:00:00Z',
		start_date: '2024-03-03T10:00:01Z',
		end_date: '2024-03-03T10:05:00Z',
		modified_date: '2024-03-03T10:05:00Z',
		inputs: { ds: { object_id: fmriDs.id, object_type: 'dataset' } },
		output: 'working',
		exit_code: null,
		log: '2024-03-03T10:00:00Z task queued\n2024-03-03T10:00:01Z started\n2024-03-03T10:04:59Z cancel requested\n2024-03-03T10:05:00Z canceled\n',
	});

	// Saved queries (one shown in alice's root folder's `queries`)
	t.queries.insert({
		name: 'Brain exams 2024',
		query: 'exam.name ~ "brain" AND exam.start_time.year = 2024',
		description: '',
		user: alice.id,
		project: null,
		folder: aliceRoot,
		created_date: '2024-06-01T09:00:00Z',
		modified_date: '2024-06-01T09:00:00Z',
	});
	t.queries.insert({
		name: 'Synchronised series',
		query: 'parameter.EX_CARD_sync > 0 AND parameter.EX_GEO_voxel_size_m < 2',
		description: 'cardiac-triggered, voxels under 2 mm',
		user: alice.id,
		project: null,
		folder: null,
		created_date: '2024-06-01T09:05:00Z',
		modified_date: '2024-06-01T09:05:00Z',
	});

	// Trash: one item in alice's My Agora and one in the shared project (check 27).
	const oldTrash = model.trash('folder', oldData, alice.id);
	oldTrash.deleted_date = '2024-02-01T08:00:00Z';
	const examTrash = model.trash('exam', testExam, alice.id);
	examTrash.deleted_date = '2024-02-02T08:00:00Z';

	store.changed();
}
