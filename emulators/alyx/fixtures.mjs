// The stock fixtures of a fresh Alyx 3.6.1 (the captures' starting state, reference README):
// dataset types with their filename patterns (register-file matches file names against them),
// data formats by extension, water types, repository types, species, procedure types and the
// lab `cortexlab`. Ids are derived from the names so they stay stable across resets and
// restarts; the two dataset types seen in the captures keep their observed ids.
//
// Observed on 3.6.1: 114 dataset types, first by name `DAQdata.meta` and `DAQdata.raw`, and
// neither `trials.table` nor `wheel.position` (both are created in the captures). The exact
// 3.6.1 list is not in the reference: this one is the upstream fixture of that era without the
// behavioural-task families (trials.*, wheel.*, passive*), trimmed to the observed 114.
import { createHash } from 'node:crypto';

/** Deterministic UUID (v5-style, SHA-1) for fixture rows. */
export function fixtureId(kind, name) {
	const h = createHash('sha1').update(`alyx-emulator:${kind}:${name}`).digest('hex');
	const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const KNOWN_DATASET_TYPES = {
	'DAQdata.meta': {
		id: 'a8cc815d-c643-450f-af50-872b22744383',
		description:
			'Associated DAQ metadata, such as input and output channel configurations. The metadata structure varies between namespaces.',
	},
	'DAQdata.raw': {
		id: '3f075b50-df21-4eac-9ddd-4b750663e47c',
		description:
			"The output of the DAQ software for a given device.  The namespace should identify the DAQ model or acquisition software, e.g. 'mcc', 'ni' or 'timeline'.",
	},
};

/** [name, filename_pattern] of the stock dataset types. */
export const DATASET_TYPES = [
	['DAQdata.meta', '_*_DAQdata.meta*'],
	['DAQdata.raw', '_*_DAQdata.raw*'],
	['DAQdata.wiring', '_*_DAQdata.wiring*'],
	['ROIMotionEnergy.position', '*ROIMotionEnergy.position.*'],
	['_ibl_experiment.description', '_*_experiment.description.*'],
	['_ibl_lickPiezo.raw', '_ibl_lickPiezo.raw.*'],
	['_ibl_lickPiezo.timestamps', '_ibl_lickPiezo.timestamps.*'],
	['_ibl_log.error', '_ibl_log.error*.log'],
	['_ibl_log.info', '_ibl_log.info*.log'],
	['_ibl_passiveGabor.table', '_ibl_passiveGabor.table*.csv'],
	['_ibl_passivePeriods.intervalsTable', '_ibl_passivePeriods.intervalsTable*.csv'],
	['_ibl_passiveRFM.times', '_ibl_passiveRFM.times*.npy'],
	['_ibl_passiveStims.table', '_ibl_passiveStims.table*.csv'],
	['_iblqc_ephysChannels.RMS', '_iblqc_ephysChannels.*RMS.*'],
	['_iblqc_ephysChannels.labels', '_iblqc_ephysChannels.*labels.*'],
	['_iblqc_ephysChannels.rawSpikeRates', '_iblqc_ephysChannels.*rawSpikeRates.*'],
	['_iblqc_ephysSpectralDensity.freqs', '_iblqc_ephysSpectralDensity*.freqs.npy'],
	['_iblqc_ephysSpectralDensity.power', '_iblqc_ephysSpectralDensity*.power.npy'],
	['_iblqc_ephysTimeRms.rms', '_iblqc_ephysTimeRms*.rms.npy'],
	['_iblqc_ephysTimeRms.timestamps', '_iblqc_ephysTimeRms*.timestamps.npy'],
	['_iblrig_Camera.frameData', '_iblrig_*Camera.frameData.*'],
	['_iblrig_Camera.raw', '_iblrig_*Camera.raw.*'],
	['_iblrig_Camera.timestamps', '_iblrig_*Camera.*timestamps.*'],
	['_iblrig_RFMapStim.raw', '_iblrig_RFMapStim.raw.bin'],
	['_iblrig_VideoCodeFiles.raw', '_iblrig_VideoCodeFiles.raw.*'],
	['_iblrig_ambientSensorData.raw', '_iblrig_ambientSensorData.raw.*'],
	['_iblrig_codeFiles.raw', '_iblrig_codeFiles.raw.*'],
	['_iblrig_encoderEvents.raw', '_iblrig_encoderEvents.raw.*'],
	['_iblrig_encoderPositions.raw', '_iblrig_encoderPositions.raw.*'],
	['_iblrig_encoderTrialInfo.raw', '_iblrig_encoderTrialInfo.raw.*'],
	['_iblrig_stimPositionScreen.raw', '_iblrig_stimPositionScreen.raw.csv'],
	['_iblrig_syncSquareUpdate.raw', '_iblrig_syncSquareUpdate.raw.csv'],
	['_iblrig_taskData.raw', '_iblrig_taskData.raw.*'],
	['_iblrig_taskSettings.raw', '_iblrig_taskSettings.raw.*'],
	['_kilosort_raw.output', '_kilosort_raw.output*.tar'],
	['_phy_spikes_subset.channels', '_phy_spikes_subset.channels.npy'],
	['_phy_spikes_subset.spikes', '_phy_spikes_subset.spikes.npy'],
	['_phy_spikes_subset.waveforms', '_phy_spikes_subset.waveforms.npy'],
	['_rigbox_block.raw', '_rigbox_block.raw.mat'],
	['_rigbox_code.raw', '_rigbox_code.raw.m'],
	['_rigbox_hardwareInfo.raw', '_rigbox_hardwareInfo.raw.json'],
	['_rigbox_jsonParameters.raw', '_rigbox_jsonParameters.raw.json'],
	['_rigbox_matParameters.raw', '_rigbox_matParameters.raw.mat'],
	['_rigbox_timeLine.raw', '_rigbox_timeLine.raw.mat'],
	['_spikeglx_sync.channels', '_spikeglx_sync.channels*.npy'],
	['_spikeglx_sync.polarities', '_spikeglx_sync.polarities*.npy'],
	['_spikeglx_sync.times', '_spikeglx_sync.times*.npy'],
	['camera.ROIMotionEnergy', '*Camera.ROIMotionEnergy.*'],
	['camera.dlc', '*camera.dlc.*'],
	['camera.features', '*camera.features.*'],
	['camera.times', '*camera.times.*'],
	['channels.brainLocationIds_ccf_2017', 'channels.brainLocationIds*.npy'],
	['channels.localCoordinates', 'channels.localCoordinates*.npy'],
	['channels.mlapdv', 'channels.mlapdv.npy'],
	['channels.probes', 'channels.probes*.npy'],
	['channels.rawInd', 'channels.rawInd*.npy'],
	['clusters.amps', 'clusters.amps*.npy'],
	['clusters.brainLocationAcronyms_ccf_2017', 'clusters.brainLocationAcronyms*.npy'],
	['clusters.brainLocationIds_ccf_2017', 'clusters.brainLocationIds*.npy'],
	['clusters.channels', 'clusters.channels*.npy'],
	['clusters.depths', 'clusters.depths*.npy'],
	['clusters.metrics', 'clusters.metrics*.pqt'],
	['clusters.mlapdv', 'clusters.mlapdv.npy'],
	['clusters.peakToTrough', 'clusters.peakToTrough*.npy'],
	['clusters.probes', 'clusters.probes*.npy'],
	['clusters.uuids', 'clusters.uuids*.csv'],
	['clusters.waveforms', 'clusters.waveforms.npy'],
	['clusters.waveformsChannels', 'clusters.waveformsChannels*.npy'],
	['drift.times', 'drift.times.npy'],
	['drift.um', 'drift.um.npy'],
	['drift_depths.um', 'drift_depths.um.npy'],
	['electrodeSites.brainLocationIds_ccf_2017', 'electrodeSites.brainLocationIds_ccf_2017*.npy'],
	['electrodeSites.localCoordinates', 'electrodeSites.localCoordinates*.npy'],
	['electrodeSites.mlapdv', 'electrodeSites.mlapdv*.npy'],
	['ephysData.raw.ap', '*ephysData*.ap.cbin'],
	['ephysData.raw.ch', '*ephysData*.ch'],
	['ephysData.raw.lf', '*ephysData*.lf.cbin'],
	['ephysData.raw.meta', '*ephysData*.meta'],
	['ephysData.raw.nidq', '*ephysData*.nidq.cbin'],
	['ephysData.raw.sync', '*ephysData*.sync.npy'],
	['ephysData.raw.timestamps', '*ephysData*.timestamps.npy'],
	['ephysData.raw.wiring', '*ephysData*.wiring.json'],
	['fpData.channels', '*fpData.channels.*'],
	['fpData.raw', '_*_fpData.raw*'],
	['imaging.frames', 'imaging.frames*'],
	['imaging.imagingLightSource', 'imaging.imagingLightSource*'],
	['imaging.times', 'imaging.times*'],
	['imagingLightSource.properties', '*imagingLightSource.properties*'],
	['kilosort.whitening_matrix', '_kilosort_whitening.matrix.npy'],
	['licks.times', 'licks.times.*'],
	['photometry.ROIs', '*photometry.ROIs*'],
	['photometry.signal', '*photometry.signal*'],
	[
		'photometryFibers.brainLocationAcronyms_ccf_2017',
		'*photometryFibers.brainLocationAcronyms_ccf_2017*',
	],
	['probes.description', 'probes.description*.json'],
	['probes.trajectory', 'probes.trajectory*.json'],
	['spikes.amps', 'spikes.amps*.npy'],
	['spikes.clusters', 'spikes.clusters*.npy'],
	['spikes.depths', 'spikes.depths*.npy'],
	['spikes.samples', 'spikes.samples*.npy'],
	['spikes.templates', 'spikes.templates*.npy'],
	['spikes.times', 'spikes.times*.npy'],
	['templates.amps', 'templates.amps.npy'],
	['templates.waveforms', 'templates.waveforms.npy'],
	['templates.waveformsChannels', 'templates.waveformsChannels.npy'],
	['widefield.raw', 'widefield.raw.*'],
	['widefield.raw.meta', 'widefield.raw.meta.*'],
	['widefield.times', 'widefield.times*'],
	['widefieldChannels.frameAverage', 'widefieldChannels.frameAverage*'],
	['widefieldChannels.wiring', '*widefieldChannels.wiring*'],
	['widefieldEvents.raw', 'widefieldEvents.raw.*'],
	['widefieldLandmarks.dorsalCortex', 'widefieldLandmarks.dorsalCortex.*'],
	['widefieldSVT.haemoCorrected', 'widefieldSVT.haemoCorrected.*'],
	['widefieldSVT.uncorrected', 'widefieldSVT.uncorrected.*'],
	['widefieldU.images', 'widefieldU.images*'],
];

/** [name, file_extension, description, matlab_loader, python_loader, json] */
export const DATA_FORMATS = [
	['bin', '.bin', 'binary file with no header', 'fread', 'unknown', null],
	[
		'bzip2',
		'.bz2',
		'A single file compressed using the Burrows–Wheeler algorithm.',
		'',
		'bz2.open',
		'',
	],
	['cbin', '.cbin', 'mts compressed binary file', 'fread', 'unknown', null],
	['ch', '.ch', 'mtscomp header file (JSON)', '', 'json.load', null],
	['csv', '.csv', 'comma separated value file', 'fopen', 'Pandas.read_csv', null],
	['flac', '.flac', 'Free Lossless Audio Codec', 'audioread', 'soundfile.read', null],
	[
		'htsv',
		'.htsv',
		'tab separated value file with a header row',
		'readtable',
		'pandas.read_csv',
		null,
	],
	['jpg', '.jpg', 'JPEG image', 'imread', 'PIL.Image.open', null],
	['json', '.json', 'JSON', 'loadjson', 'json.load', null],
	['jsonable', '.jsonable', 'ascii file for which each line is a jsonable string', '', '', null],
	['log', '.log', 'plain text log file', 'fileread', 'open', null],
	['m', '.m', 'MATLAB script/function files', 'open', 'read', null],
	['mat', '.mat', 'MATLAB native file format', 'load', 'scipy.io.loadmat', null],
	['meta', '.meta', 'SpikeGLX metadata text file', 'fileread', 'open', null],
	['mj2', '.mj2', 'mj2 movie', 'VideoReader', 'ffmpeg', null],
	['mp4', '.mp4', 'Digital multimedia container', '', '', null],
	[
		'notData',
		'',
		'file format for datasets with no associated files (eg parent datasets)',
		'',
		'',
		null,
	],
	['npy', '.npy', 'npy-formatted square numerical array', 'readNPY', 'numpy.load', null],
	['npz', '.npz', 'zipped archive of npy arrays', '', 'numpy.load', null],
	['parquet', '.pqt', 'Apache Parquet table', 'parquetread', 'pandas.read_parquet', null],
	['pkl', '.pkl', 'Python pickle', '', 'pickle.load', null],
	['png', '.png', 'Portable Network Graphics image', 'imread', 'PIL.Image.open', null],
	['ssv', '.ssv', 'space separated value file', '', '', null],
	['tar', '.tar', 'tape archive', 'untar', 'tarfile.open', null],
	['tif', '.tif', 'Tagged Image File Format', 'imread', 'tifffile.imread', null],
	['tsv', '.tsv', 'Tab-separated values', '', 'pandas.read_table', ''],
	['txt', '.txt', 'plain text file', 'fileread', 'open', null],
	['yaml', '.yaml', 'YAML document', '', 'yaml.safe_load', null],
	['zip', '.zip', 'ZIP compressed archive', '', '', null],
];

/** In fixture order: the list endpoint has no ordering and shows them like this. */
export const WATER_TYPES = [
	'Water',
	'Water 15% Sucrose',
	'Hydrogel 5% Citric Acid',
	'Water 10% Sucrose',
	'Water 2% Citric Acid',
	'Hydrogel',
	'Water 1% Citric Acid',
];

export const REPOSITORY_TYPES = ['Fileserver', 'Cardboard box'];

export const PROCEDURE_TYPES = [
	['Behavior training/tasks', 'Training or testing on a behavioural task'],
	['Handling / habituation', 'Handling the animal, habituation to the setup'],
	['Surgery', 'Any surgical procedure'],
	['Histology', 'Brain extraction, slicing and imaging'],
	['Imaging', 'Any imaging recording'],
	['Ephys recording with acute probe(s)', 'Electrophysiology with acutely inserted probes'],
	['Fiber photometry', 'Fiber photometry recording'],
];

export const SPECIES = [['Laboratory mouse', 'mouse']];

/** Inserts the stock fixtures and lab `cortexlab` into an empty store. */
export function loadFixtures(store) {
	const t = store.tables;
	for (const [name, nickname] of SPECIES)
		t.species.insert({ id: fixtureId('species', name), name, nickname, json: null });
	for (const name of REPOSITORY_TYPES)
		t.data_repository_types.insert({ id: fixtureId('repotype', name), name, json: '' });
	for (const name of WATER_TYPES)
		t.water_types.insert({ id: fixtureId('watertype', name), name, json: null });
	for (const [name, description] of PROCEDURE_TYPES)
		t.procedure_types.insert({ id: fixtureId('procedure', name), name, description, json: null });
	for (const [name, file_extension, description, matlab, python, json] of DATA_FORMATS)
		t.data_formats.insert({
			id: fixtureId('dataformat', name),
			name,
			json,
			description,
			file_extension,
			matlab_loader_function: matlab,
			python_loader_function: python,
		});
	for (const [name, filename_pattern] of DATASET_TYPES)
		t.dataset_types.insert({
			id: KNOWN_DATASET_TYPES[name]?.id ?? fixtureId('datasettype', name),
			name,
			created_by: null,
			description: KNOWN_DATASET_TYPES[name]?.description ?? '',
			filename_pattern,
			json: null,
		});
	t.labs.insert({
		id: fixtureId('lab', 'cortexlab'),
		name: 'cortexlab',
		institution: '',
		address: '',
		timezone: 'GB',
		repositories: [],
		reference_weight_pct: 0,
		zscore_weight_pct: 0,
		json: null,
	});
}
