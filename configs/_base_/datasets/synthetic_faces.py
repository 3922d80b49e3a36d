# The embedded synthetic faces (98 WFLW-semantic landmarks, mmpose's WFLW
# annotation layout) that tools/dataset_converters/generate_synthetic_faces.py
# renders into data/synthetic (tools/quickstart.py runs it). The synthetic
# configs merge these into the datasets of the WFLW config they inherit, as
# `dataset=dict(_base_.synthetic_train, pipeline=...)`; the noisy and wild
# sets are the same layout under another data_root.
synthetic_root = 'data/synthetic/'
synthetic_train = dict(
    data_root=synthetic_root,
    ann_file='annotations/face_landmarks_synthetic_train.json')
synthetic_test = dict(
    data_root=synthetic_root,
    ann_file='annotations/face_landmarks_synthetic_test.json')
