/**
 * JSON import templates (agora.md B.6.6): they force the patient / exam / series an import
 * lands in. Generated like the Python connector's `create_import_template`: for an existing
 * exam its patient and exam UIDs (the files are added to that exam), a new series, one dataset
 * listing the uploaded files; then the user's overrides are merged in.
 */
import { randomBytes } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

export const TEMPLATE_FILE_NAME = 'import_template.json';

export const DATASET_TYPES = ['OTHER', 'DICOM_IMAGE', 'NIFTI1', 'REC_PAR', 'RAW_LAB', 'PHILIPS_SPECTRO', 'SINFILE', 'TWIX', 'SIEMENS_PRO', 'ISMRMRD'];

/** A new DICOM-style UID under the UUID root 2.25 (as the connectors make them). */
export function newUid(): string {
	const bytes = randomBytes(16);
	let digits = '';
	// 38 decimal digits from 16 random bytes; a leading zero is not allowed in a UID component.
	for (const byte of bytes) digits += String(byte % 100).padStart(2, '0');
	digits = digits.slice(0, 38).replace(/^0+/, '') || '1';
	return `2.25.${digits}`;
}

/** dd.mm.yyyy and hh:mm:ss of a date, as the template expects. */
function dayAndTime(date: Date): { day: string; time: string } {
	const pad = (n: number) => String(n).padStart(2, '0');
	return {
		day: `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`,
		time: `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`,
	};
}

export interface TemplateInput {
	/** The exam to add the files to (its record from Agora); none creates a new exam. */
	exam?: IDataObject;
	/** Base names of the data files (not the template itself). */
	files: string[];
	seriesName: string;
	datasetType: string;
	overrides?: IDataObject;
	now?: Date;
}

export function generateTemplate(input: TemplateInput): IDataObject {
	const now = input.now ?? new Date();
	const { day, time } = dayAndTime(now);
	const exam = input.exam;
	const patient = (exam?.patient && typeof exam.patient === 'object' ? exam.patient : {}) as IDataObject;
	const template: IDataObject = {
		Creator: 'n8n-nodes-research-data',
		Version: '2.0.0',
		Vendor: String(exam?.vendor || 'Unknown'),
		Type: '',
		Datasets: [
			{
				Type: input.datasetType,
				Files: input.files.map((file) => ({ File: file, ParameterSetID: null })),
				ParameterSetID: null,
			},
		],
		ImportParameter: {
			Exam: {
				Date: day,
				Description: String(exam?.description ?? ''),
				DeviceName: String(exam?.scanner_name ?? ''),
				Name: String(exam?.name ?? ''),
				Time: time,
				UID: String(exam?.uid || newUid()),
			},
			Patient: {
				BirthDate: '01.01.1900',
				Gender: 'O',
				Name: String(patient.name ?? ''),
				UID: String(patient.uid || patient.patient_id || newUid()),
				Weight: 70,
			},
			Series: {
				AcquisitionNumber: 1,
				Date: day,
				Name: input.seriesName,
				ReferenceScanUIDs: [],
				Time: `${time}.000000`,
				TypeLabel: '',
				UID: newUid(),
			},
		},
		ParameterSets: [],
	};
	return input.overrides ? deepMerge(template, input.overrides) : template;
}

/** Objects merge key by key; anything else (arrays included) replaces. */
export function deepMerge(base: IDataObject, patch: IDataObject): IDataObject {
	const out: IDataObject = { ...base };
	for (const [key, value] of Object.entries(patch)) {
		const current = out[key];
		const bothObjects = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current);
		out[key] = bothObjects ? deepMerge(current as IDataObject, value as IDataObject) : value;
	}
	return out;
}
