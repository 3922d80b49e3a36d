# Evaluation of the published HIH-B checkpoint (converted with
# tools/model_converters/convert_official_checkpoint.py) under the published
# protocol: the
# published square crop and label convention (annotations written by
# tools/dataset_converters/wflw2coco.py --crop published --published-labels
# --out-dir data/wflw/annotations_published), no flip test, the published
# decode (argmax + argmax / 8 with the max > 0 mask). Test only:
#   tools/test.py configs/hih_wflw_published.py \
#       checkpoints/hih_wflw_published.pth
_base_ = ['./hih_wflw.py']

# the published decimal branch (pooled from the whole stream, 384 channels),
# loss and decode (configs/_base_/models/hih_head.py): the layout that
# tools/model_converters/convert_official_checkpoint.py converts into
model = dict(
    head=dict(_base_.published_head, decimal_channels=384),
    test_cfg=dict(flip_test=False))

ann_dir = 'annotations_published/'
val_dataloader = dict(
    dataset=dict(ann_file=ann_dir + 'face_landmarks_wflw_test.json'))
test_dataloader = val_dataloader
test_evaluator = dict(
    subsets={
        name: f'data/wflw/{ann_dir}face_landmarks_wflw_test_{name}.json'
        for name in ('largepose', 'expression', 'illumination', 'makeup',
                     'occlusion', 'blur')
    })
