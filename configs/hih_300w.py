# HIH-B on 300W (68 landmarks): mmpose's Face300WDataset and annotation
# layout. Validation and test on the 689-image full set (common +
# challenge), with the common and challenge subsets reported by
# tools/test.py; the private 600-image test set is
# annotations/face_landmarks_300w_test.json.
_base_ = ['./hih_wflw.py']

model = dict(
    backbone=dict(num_keypoints=68), head=dict(out_channels=68))

dataset_type = 'Face300WDataset'
data_root = 'data/300w/'
data_source = dict(type=dataset_type, data_root=data_root)
ann_dir = 'annotations/face_landmarks_300w_'
train_dataloader = dict(
    dataset=dict(data_source, ann_file=ann_dir + 'train.json'))
val_dataloader = dict(
    dataset=dict(data_source, ann_file=ann_dir + 'valid.json'))
test_dataloader = val_dataloader

val_evaluator = dict(type='FaceAlignmentMetric', norm_mode='inter_ocular')
test_evaluator = dict(
    type='FaceAlignmentMetric',
    norm_mode='inter_ocular',
    subsets=dict(
        common=data_root + 'annotations/face_landmarks_300w_valid_common.json',
        challenge=data_root +
        'annotations/face_landmarks_300w_valid_challenge.json'))
