# HIH-B on COFW (29 landmarks): mmpose's COFWDataset and annotation layout
# (data/cofw/annotations/cofw_{train,test}.json, tools/dataset_converters).
_base_ = ['./hih_wflw.py']

model = dict(
    backbone=dict(num_keypoints=29), head=dict(out_channels=29))

dataset_type = 'COFWDataset'
data_root = 'data/cofw/'
data_source = dict(type=dataset_type, data_root=data_root)
train_dataloader = dict(
    dataset=dict(data_source, ann_file='annotations/cofw_train.json'))
val_dataloader = dict(
    dataset=dict(data_source, ann_file='annotations/cofw_test.json'))
test_dataloader = val_dataloader

val_evaluator = dict(type='FaceAlignmentMetric', norm_mode='inter_ocular')
test_evaluator = val_evaluator
